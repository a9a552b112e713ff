package dev.asyncgateway.outbound;

import dev.asyncgateway.config.GatewayConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.vertx.mutiny.core.Vertx;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * The gateway's two ways out, each with its own connection pool and bounds: {@link #targets()} for job fetches
 * ({@code gateway.fetch.*}: whole bodies up to a cap, answers decompressed) and {@link #callbacks()} for webhook
 * deliveries ({@code gateway.callback.*}: the pool per receiver no larger than its cap, only the start of an
 * answer kept, the wait for a connection bounded too).
 */
@Startup // the clients must be created outside any request: one made on an HTTP verticle's context closes with it on shutdown
@ApplicationScoped
public class OutboundClients {

    @Inject
    Vertx vertx;

    @Inject
    GatewayConfig config;

    @Inject
    SafeAddressResolver resolver;

    private OutboundClient targets;
    private OutboundClient callbacks;

    @PostConstruct
    void create() {
        GatewayConfig.Fetch fetch = config.fetch();
        targets = OutboundClient.create(vertx, resolver, OutboundUrlPolicy.Use.TARGET,
                OutboundClientOptions.of(fetch.connectTimeout(), fetch.poolSizePerHost()).setTryUseCompression(true),
                fetch.attemptTimeout(), null, CappedBody.Limit.failing(fetch.maxBodyBytes()));
        GatewayConfig.Callback callback = config.callback();
        callbacks = OutboundClient.create(vertx, resolver, OutboundUrlPolicy.Use.CALLBACK,
                OutboundClientOptions.of(callback.timeout(), callback.concurrencyPerHost()),
                callback.timeout(), callback.timeout(), CappedBody.Limit.truncating(callback.responseLogBytes()));
    }

    void close(@Observes ShutdownEvent event) {
        targets.close();
        callbacks.close();
    }

    public OutboundClient targets() {
        return targets;
    }

    public OutboundClient callbacks() {
        return callbacks;
    }
}
