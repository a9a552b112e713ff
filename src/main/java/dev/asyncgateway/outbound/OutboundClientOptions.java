package dev.asyncgateway.outbound;

import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.tracing.TracingPolicy;

import java.time.Duration;

/**
 * What every outbound client shares (target fetches, webhook deliveries): a connect timeout, a bounded
 * pool per host, and full TLS verification. Redirects are never followed by the client itself (a core
 * client request follows none unless asked), since each hop must pass the URL policy; and the core
 * client sends no User-Agent of its own. Vert.x never traces them nor adds trace headers: the runner and the
 * callback worker make their own spans and decide what each request carries (see README, Observability).
 */
public final class OutboundClientOptions {

    private OutboundClientOptions() {
    }

    public static HttpClientOptions of(Duration connectTimeout, int poolSizePerHost) {
        return new HttpClientOptions()
                .setConnectTimeout((int) connectTimeout.toMillis())
                .setMaxPoolSize(poolSizePerHost)
                .setKeepAlive(true)
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                .setVerifyHost(true)
                .setTrustAll(false)
                .setTracingPolicy(TracingPolicy.IGNORE);
    }
}
