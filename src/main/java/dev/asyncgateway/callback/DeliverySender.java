package dev.asyncgateway.callback;

import dev.asyncgateway.outbound.CappedBodyCodec;
import dev.asyncgateway.outbound.CheckedAddress;
import dev.asyncgateway.outbound.FetchResult;
import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.outbound.OutboundClientOptions;
import dev.asyncgateway.outbound.OutboundFailures;
import dev.asyncgateway.outbound.OutboundUrlPolicy;
import dev.asyncgateway.outbound.RequestDeadline;
import dev.asyncgateway.outbound.SafeAddressResolver;
import dev.asyncgateway.runner.TargetFetcher;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.concurrent.TimeoutException;

/**
 * The one place a webhook leaves the gateway: one POST per attempt, redirects not followed, the whole
 * attempt bounded by {@code gateway.callback.timeout}, and only the start of the answer kept. The
 * connection pool is per receiver ({@code host:port}) and no larger than the per-receiver cap, so a
 * slow receiver ties up its own connections only.
 */
@Startup // the client must be created outside any request: one made on an HTTP verticle's context closes with it on shutdown
@ApplicationScoped
public class DeliverySender {

    @Inject
    Vertx vertx;

    @Inject
    GatewayConfig config;

    @Inject
    OutboundFailures failures;

    @Inject
    SafeAddressResolver resolver;

    private WebClient client;

    @PostConstruct
    void createClient() {
        GatewayConfig.Callback callback = config.callback();
        WebClientOptions options = OutboundClientOptions.of(callback.timeout(), callback.concurrencyPerHost());
        client = WebClient.create(vertx, options);
        RequestDeadline.install(client, vertx, callback.timeout());
    }

    void close(@Observes ShutdownEvent event) {
        client.close();
    }

    /** The receiver's answer (status, headers, start of the body), or why there was none. */
    public Uni<FetchResult> send(DeliveryRequest delivery) {
        long timeoutMs = config.callback().timeout().toMillis();
        return resolver.resolve(delivery.url(), OutboundUrlPolicy.Use.CALLBACK)
                .chain(address -> post(address, delivery, timeoutMs))
                // The idle timeout alone would let a receiver that trickles bytes hold an attempt forever.
                .ifNoItem().after(config.callback().timeout())
                .failWith(() -> new TimeoutException("no answer within " + timeoutMs + " ms"))
                .onFailure().recoverWithItem(failures::classify);
    }

    /** Sent to the address the URL policy checked, never to a second DNS answer. */
    private Uni<FetchResult> post(CheckedAddress address, DeliveryRequest delivery, long timeoutMs) {
        HttpRequest<Buffer> request = address.request(client, HttpMethod.POST)
                .connectTimeout(timeoutMs)
                .idleTimeout(timeoutMs)
                .as(CappedBodyCodec.truncating(config.callback().responseLogBytes()));
        delivery.headers().forEach(request.headers()::set);
        return request.sendBuffer(Buffer.buffer(delivery.body()))
                .map(response -> TargetFetcher.answer(response, delivery.url()));
    }
}
