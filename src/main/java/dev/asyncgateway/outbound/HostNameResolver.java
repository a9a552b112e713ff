package dev.asyncgateway.outbound;

import dev.asyncgateway.config.GatewayConfig;
import inet.ipaddr.HostName;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Resolves host names without holding a thread while a name server takes its time. Netty's DNS resolver
 * sends the queries from one event loop of its own and is called back with each answer, so a thousand
 * lookups of a domain whose name server never answers are a thousand pending queries, not a thousand
 * blocked threads, and lookups of other names go on beside them. Like the system resolver it reads the
 * hosts file first, then asks the name servers of {@code /etc/resolv.conf} with its search domains (or the
 * name servers of a setting), and caches answers for their TTL.
 */
@Startup // a malformed name server setting stops the start-up, not the first fetch
@ApplicationScoped
public class HostNameResolver {

    private static final int DNS_PORT = 53;

    @Inject
    GatewayConfig config;

    @Inject
    Vertx vertx;

    private EventLoopGroup dnsLoop;
    private DnsNameResolver dns;
    private Duration timeout;

    @PostConstruct
    void start() {
        GatewayConfig.UrlPolicy settings = config.urlPolicy();
        timeout = settings.dnsTimeout();
        dnsLoop = new NioEventLoopGroup(1, new DefaultThreadFactory("gateway-dns", true));
        DnsNameResolverBuilder builder = new DnsNameResolverBuilder(dnsLoop.next())
                // Factories rather than channel classes: no reflection, so nothing to register for a native image.
                .datagramChannelFactory(NioDatagramChannel::new)
                // An answer too long for UDP is asked for again over TCP.
                .socketChannelFactory(NioSocketChannel::new)
                .queryTimeoutMillis(timeout.toMillis());
        settings.dnsServers().ifPresent(servers -> builder.nameServerProvider(
                new SequentialDnsServerAddressStreamProvider(servers.stream().map(HostNameResolver::nameServer).toList())));
        dns = builder.build();
    }

    @PreDestroy
    void stop() {
        dns.close();
        dnsLoop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
    }

    /**
     * Every address {@code host} resolves to, delivered on the caller's Vert.x context. Fails with an
     * {@link UnknownHostException} when the name does not exist or no answer came within the lookup timeout;
     * cancelling gives the lookup up.
     */
    public Uni<List<InetAddress>> resolveAll(String host) {
        Context caller = vertx.getOrCreateContext();
        return Uni.createFrom().<List<InetAddress>>emitter(emitter -> {
                    Future<List<InetAddress>> lookup = dns.resolveAll(host);
                    emitter.onTermination(() -> lookup.cancel(false));
                    lookup.addListener(done -> {
                        if (done.isSuccess()) {
                            emitter.complete(lookup.getNow());
                        } else {
                            emitter.fail(done.cause());
                        }
                    });
                })
                .ifNoItem().after(timeout)
                .failWith(() -> new UnknownHostException(host + ": no answer from the name servers within " + timeout.toMillis() + " ms"))
                .emitOn(task -> caller.runOnContext(ignored -> task.run()));
    }

    /** A name server as an IP address with an optional port; names are refused, they would need a resolver themselves. */
    private static InetSocketAddress nameServer(String setting) {
        HostName server = new HostName(setting.trim());
        if (!server.isValid() || !server.isAddress()) {
            throw new IllegalArgumentException("gateway.url-policy.dns-servers: '" + setting
                    + "' is not an IP address with an optional port, e.g. 10.0.0.2:53");
        }
        int port = server.getPort() == null ? DNS_PORT : server.getPort();
        return new InetSocketAddress(server.asAddress().toInetAddress(), port);
    }
}
