package dev.asyncgateway.callback;

import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.runner.RetryPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** When a failed delivery is tried again: the configured schedule with jitter, or the receiver's Retry-After. */
@ApplicationScoped
public class RetrySchedule {

    @Inject
    GatewayConfig config;

    /**
     * @param attempt    the attempt that just failed (1 for the first)
     * @param retryAfter the receiver's Retry-After values, or null
     */
    public Duration delayAfter(int attempt, List<String> retryAfter) {
        GatewayConfig.Callback callback = config.callback();
        Duration asked = retryAfter == null || retryAfter.isEmpty() ? null : RetryPolicy.parseRetryAfter(retryAfter.get(0));
        if (asked != null) {
            return asked.compareTo(callback.maxRetryAfter()) > 0 ? callback.maxRetryAfter() : asked;
        }
        List<Duration> delays = callback.retryDelays();
        Duration base = delays.get(Math.min(Math.max(attempt - 1, 0), delays.size() - 1));
        // ±20 % spreads the retries of callbacks that failed together (a receiver that was down).
        double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return Duration.ofMillis((long) (base.toMillis() * jitter));
    }
}
