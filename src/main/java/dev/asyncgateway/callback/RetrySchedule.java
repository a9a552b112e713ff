package dev.asyncgateway.callback;

import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.queue.Backoff;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.List;

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
        Duration asked = Backoff.retryAfter(retryAfter, callback.maxRetryAfter());
        if (asked != null) {
            return asked;
        }
        List<Duration> delays = callback.retryDelays();
        return Backoff.jittered(delays.get(Math.min(Math.max(attempt - 1, 0), delays.size() - 1)).toMillis());
    }
}
