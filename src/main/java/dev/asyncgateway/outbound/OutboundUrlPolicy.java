package dev.asyncgateway.outbound;

import dev.asyncgateway.common.ClientError;
import dev.asyncgateway.config.GatewayConfig;
import inet.ipaddr.AddressStringParameters;
import inet.ipaddr.HostName;
import inet.ipaddr.HostNameParameters;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import io.quarkus.runtime.Startup;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Which outbound URLs the gateway may call: http(s) only, allowed ports only, and only public
 * addresses unless private networks or CIDR blocks are opened by settings. Pure and without I/O:
 * {@link #check} judges a URL as written (at submission and again before connecting) and
 * {@link #checkResolved} judges the addresses a name resolved to (see {@link SafeAddressResolver}).
 */
@Startup // built at start-up: a malformed CIDR setting stops the gateway there, not at the first request
@Singleton
public class OutboundUrlPolicy {

    /** What the URL is for: only callbacks may carry Basic-auth credentials in the URL. */
    public enum Use { TARGET, CALLBACK }

    /**
     * Hosts are read the way permissive resolvers (inet_aton) read them, so {@code 2130706433},
     * {@code 0177.0.0.1} and {@code 0x7f.1} are all judged as 127.0.0.1, and connected to as such.
     */
    private static final HostNameParameters HOST_SYNTAX = new HostNameParameters.Builder()
            .allowPort(true).allowService(false).allowEmpty(false).allowBracketedIPv6(true).allowBracketedIPv4(false)
            .getAddressOptionsBuilder()
            .allow_inet_aton(true).allowSingleSegment(true).allowEmpty(false).allowAll(false)
            .allowPrefix(false).allowMask(false).allowWildcardedSeparator(false)
            .setRangeOptions(AddressStringParameters.RangeParameters.NO_RANGE)
            .getParentBuilder().toParams();

    /** RFC 6761: {@code localhost} and every name under it are loopback, whatever a resolver says. */
    private static final List<IPAddress> LOOPBACK = List.of(address("127.0.0.1"), address("::1"));

    private static final String REFUSED_SUFFIX = ", which the outbound URL policy refuses";

    /** Refused classes of addresses, most specific reason first. */
    private static final List<AddressClass> REFUSED = List.of(
            new AddressClass("the unspecified address", false, IPAddress::isAnyLocal),
            new AddressClass("a 'this network' address", false, within("0.0.0.0/8")),
            new AddressClass("a multicast address", false, IPAddress::isMulticast),
            new AddressClass("the broadcast address", false, within("255.255.255.255/32")),
            new AddressClass("a loopback address", true, IPAddress::isLoopback),
            new AddressClass("a private (RFC 1918) address", true, a -> a.isIPv4() && a.toIPv4().isPrivate()),
            new AddressClass("a link-local address", true, IPAddress::isLinkLocal),
            new AddressClass("a carrier-grade NAT (RFC 6598) address", true, within("100.64.0.0/10")),
            new AddressClass("a unique local IPv6 address", true, a -> a.isIPv6() && a.toIPv6().isUniqueLocal()),
            new AddressClass("a site-local IPv6 address", true, a -> a.isIPv6() && a.toIPv6().isSiteLocal()),
            new AddressClass("a reserved or special-purpose address", true, within(
                    "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "198.18.0.0/15", "198.51.100.0/24",
                    "203.0.113.0/24", "240.0.0.0/4", "64:ff9b:1::/48", "100::/64", "2001::/32", "2001:2::/48",
                    "2001:10::/28", "2001:db8::/32")));

    private final boolean allowPrivateNetworks;
    private final List<IPAddress> allowedBlocks;
    private final List<Integer> allowedPorts;

    @Inject
    public OutboundUrlPolicy(GatewayConfig config) {
        this(config.urlPolicy());
    }

    public OutboundUrlPolicy(GatewayConfig.UrlPolicy settings) {
        this.allowPrivateNetworks = settings.allowPrivateNetworks();
        this.allowedBlocks = settings.allowCidrs().orElse(List.of()).stream().map(OutboundUrlPolicy::cidr).toList();
        this.allowedPorts = settings.allowedPorts().orElse(List.of());
    }

    /** Judges a URL as written; a name is judged later on what it resolves to. */
    public OutboundUrl check(String url, Use use) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new UrlPolicyViolation("is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new UrlPolicyViolation("must be an http or https URL");
        }
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty()) {
            throw new UrlPolicyViolation("must name a host");
        }
        int at = authority.lastIndexOf('@');
        if (at >= 0 && use == Use.TARGET) {
            throw new UrlPolicyViolation("must not contain credentials (user info); send them as headers instead");
        }
        HostName hostName = new HostName(authority.substring(at + 1), HOST_SYNTAX);
        if (!hostName.isValid() || hostName.getHost() == null || hostName.getHost().isEmpty()) {
            throw new UrlPolicyViolation("does not name a valid host");
        }
        boolean ssl = scheme.equals("https");
        int port = hostName.getPort() != null ? hostName.getPort() : ssl ? 443 : 80;
        if (!allowedPorts.isEmpty() && !allowedPorts.contains(port)) {
            throw new UrlPolicyViolation("uses port " + port + ", which the outbound URL policy does not allow");
        }
        String host = hostName.getHost();
        IPAddress literal = hostName.isAddress() ? hostName.asAddress() : null;
        if (literal != null) {
            refusal(literal).ifPresent(reason -> {
                throw new UrlPolicyViolation("points to " + literal + ", " + reason + REFUSED_SUFFIX);
            });
        } else if (host.equals("localhost") || host.endsWith(".localhost")) {
            checkResolved(host, LOOPBACK);
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String pathAndQuery = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        return new OutboundUrl(url, ssl, host, port, literal, pathAndQuery);
    }

    /**
     * The submission-time check of a URL given in a request field (a job's target or callback, a webhook
     * setting): a refused URL is a 400 that names the field and the reason. Its address is checked again
     * when connecting.
     */
    public void requireAllowed(String url, Use use, String field) {
        try {
            check(url, use);
        } catch (UrlPolicyViolation violation) {
            throw ClientError.invalid("'" + field + "' " + violation.getMessage(), field);
        }
    }

    /**
     * Judges every address a name resolved to: one refused address refuses the name, so a DNS answer
     * mixing public and private addresses cannot smuggle in the private one.
     */
    public void checkResolved(String host, List<IPAddress> addresses) {
        for (IPAddress address : addresses) {
            refusal(address).ifPresent(reason -> {
                throw new UrlPolicyViolation("names " + host + ", which resolves to " + address + ", " + reason + REFUSED_SUFFIX);
            });
        }
    }

    /** Why the address may not be called, or empty when it may. */
    private Optional<String> refusal(IPAddress address) {
        if (allowedBlocks.stream().anyMatch(block -> block.contains(address))) {
            return Optional.empty();
        }
        for (AddressClass refused : REFUSED) {
            if (refused.matches().test(address)) {
                return refused.opensWithPrivateNetworks() && allowPrivateNetworks
                        ? Optional.empty() : Optional.of(refused.description());
            }
        }
        IPv4Address embedded = address.isIPv6() ? embeddedIPv4(address.toIPv6()) : null;
        return embedded == null ? Optional.empty()
                : refusal(embedded).map(reason -> "which embeds " + embedded + ", " + reason);
    }

    /**
     * The IPv4 address inside an IPv6 address whose traffic a stack or translator may hand to that IPv4
     * address: IPv4-mapped ({@code ::ffff:a.b.c.d}), IPv4-translated (SIIT, RFC 2765/6145,
     * {@code ::ffff:0:a.b.c.d}), IPv4-compatible ({@code ::a.b.c.d}), NAT64 ({@code 64:ff9b::/96}, RFC 6052)
     * or 6to4 ({@code 2002::/16}).
     */
    private static IPv4Address embeddedIPv4(IPv6Address address) {
        if (address.isIPv4Mapped() || address.isIPv4Translatable() || address.isIPv4Compatible()
                || address.isWellKnownIPv4Translatable()) {
            return address.getEmbeddedIPv4Address();
        }
        return address.is6To4() ? address.get6To4IPv4Address() : null;
    }

    private record AddressClass(String description, boolean opensWithPrivateNetworks, Predicate<IPAddress> matches) {
    }

    private static Predicate<IPAddress> within(String... cidrs) {
        List<IPAddress> blocks = Arrays.stream(cidrs).map(OutboundUrlPolicy::cidr).toList();
        return address -> blocks.stream().anyMatch(block -> block.contains(address));
    }

    private static IPAddress cidr(String cidr) {
        IPAddress block = new IPAddressString(cidr.trim()).getAddress();
        if (block == null) {
            throw new IllegalArgumentException("not a CIDR block: " + cidr);
        }
        return block.toPrefixBlock();
    }

    private static IPAddress address(String text) {
        return new IPAddressString(text).getAddress();
    }
}
