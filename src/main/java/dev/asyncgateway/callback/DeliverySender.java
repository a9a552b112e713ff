package dev.asyncgateway.callback;

import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.outbound.FetchResult;
import dev.asyncgateway.outbound.OutboundClients;
import dev.asyncgateway.outbound.OutboundFailures;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.concurrent.TimeoutException;

/**
 * The one place a webhook leaves the gateway: one POST per attempt, redirects not followed, the whole
 * attempt bounded by {@code gateway.callback.timeout}, and only the start of the answer kept. The
 * connection pool is per receiver ({@code host:port}) and no larger than the per-receiver cap, so a
 * slow receiver ties up its own connections only.
 */
@ApplicationScoped
public class DeliverySender {

    @Inject
    GatewayConfig config;

    @Inject
    OutboundFailures failures;

    @Inject
    OutboundClients clients;

    /** The receiver's answer (status, headers, start of the body), or why there was none. */
    public Uni<FetchResult> send(DeliveryRequest delivery) {
        long timeoutMs = config.callback().timeout().toMillis();
        // Sent to the address the URL policy checked, never to a second DNS answer.
        return clients.callbacks().send(delivery.url(), HttpMethod.POST, delivery.headers(), Buffer.buffer(delivery.body()))
                .map(FetchResult.class::cast)
                // The idle timeout alone would let a receiver that trickles bytes hold an attempt forever.
                .ifNoItem().after(config.callback().timeout())
                .failWith(() -> new TimeoutException("no answer within " + timeoutMs + " ms"))
                .onFailure().recoverWithItem(failures::classify);
    }
}
