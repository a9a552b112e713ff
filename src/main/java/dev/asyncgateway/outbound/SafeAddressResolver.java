package dev.asyncgateway.outbound;

import inet.ipaddr.HostName;
import inet.ipaddr.IPAddress;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.InetAddress;
import java.util.List;

/**
 * Turns an outbound URL into the one address to connect to, checked by the {@link OutboundUrlPolicy}
 * at the moment of connecting. Used for every target fetch, redirect hop and callback delivery.
 * Names are resolved by the {@link HostNameResolver}, which holds no thread while it waits, so a name
 * server that never answers stalls only the requests for its own names.
 */
@ApplicationScoped
public class SafeAddressResolver {

    @Inject
    OutboundUrlPolicy policy;

    @Inject
    HostNameResolver names;

    /** Fails with {@link UrlPolicyViolation} when the URL or any address its host resolves to is refused. */
    public Uni<CheckedAddress> resolve(String url, OutboundUrlPolicy.Use use) {
        OutboundUrl checked;
        try {
            checked = policy.check(url, use);
        } catch (UrlPolicyViolation violation) {
            return Uni.createFrom().failure(violation);
        }
        if (checked.literal() != null) {
            return Uni.createFrom().item(new CheckedAddress(checked, checked.literal().toInetAddress()));
        }
        return names.resolveAll(checked.host()).map(addresses -> approve(checked, addresses));
    }

    private CheckedAddress approve(OutboundUrl url, List<InetAddress> addresses) {
        List<IPAddress> candidates = addresses.stream().map(a -> new HostName(a).asAddress()).toList();
        policy.checkResolved(url.host(), candidates);
        return new CheckedAddress(url, addresses.get(0));
    }
}
