package dev.asyncgateway.outbound;

import io.vertx.core.http.HttpVersion;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.ext.web.client.WebClientOptions;

import java.time.Duration;

/**
 * What every outbound web client shares (target fetches, webhook deliveries): a connect timeout, a
 * bounded pool per host, redirects never followed by the client itself (each hop must pass the URL
 * policy), no default User-Agent, and full TLS verification. Vert.x never traces them nor adds trace headers:
 * the runner and the callback worker make their own spans and decide what each request carries (see README, Observability).
 */
public final class OutboundClientOptions {

    private OutboundClientOptions() {
    }

    public static WebClientOptions of(Duration connectTimeout, int poolSizePerHost) {
        return new WebClientOptions()
                .setConnectTimeout((int) connectTimeout.toMillis())
                .setMaxPoolSize(poolSizePerHost)
                .setKeepAlive(true)
                .setFollowRedirects(false)
                .setUserAgentEnabled(false)
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                .setVerifyHost(true)
                .setTrustAll(false)
                .setTracingPolicy(TracingPolicy.IGNORE);
    }
}
