package dev.asyncgateway.urlpolicy;

import dev.asyncgateway.config.GatewayConfig;
import inet.ipaddr.HostName;
import inet.ipaddr.IPAddress;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.WorkerExecutor;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;

/**
 * Turns an outbound URL into the one address to connect to, checked by the {@link OutboundUrlPolicy}
 * at the moment of connecting. Used for every target fetch, redirect hop and callback delivery.
 * Names go through the system resolver (hosts file, search domains, its cache) on a small worker
 * pool of their own, since that call blocks and a slow DNS server must not stall other work.
 */
@ApplicationScoped
public class SafeAddressResolver {

    @Inject
    OutboundUrlPolicy policy;

    @Inject
    GatewayConfig config;

    @Inject
    Vertx vertx;

    private WorkerExecutor dnsWorkers;

    @PostConstruct
    void createWorkers() {
        dnsWorkers = vertx.createSharedWorkerExecutor("gateway-dns", config.urlPolicy().resolverThreads());
    }

    void close(@Observes ShutdownEvent event) {
        dnsWorkers.close().subscribe().with(ignored -> { }, failure -> { });
    }

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
        return dnsWorkers.executeBlocking(() -> InetAddress.getAllByName(checked.host()), false)
                .map(addresses -> approve(checked, addresses));
    }

    private CheckedAddress approve(OutboundUrl url, InetAddress[] addresses) {
        List<IPAddress> candidates = Arrays.stream(addresses).map(a -> new HostName(a).asAddress()).toList();
        policy.checkResolved(url.host(), candidates);
        return new CheckedAddress(url, addresses[0]);
    }
}
