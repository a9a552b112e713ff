package dev.asyncgateway.runner;

import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.queue.Backoff;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Which answers are final and how long to wait before the next attempt. Connection errors, timeouts,
 * 408, 425, 429 and 5xx are retried with exponential backoff and jitter (Retry-After honoured up to the
 * maximum delay); a 404 only with {@code retry_404}. Any other status is the target's answer.
 */
@ApplicationScoped
public class RetryPolicy {

    private static final Set<Integer> RETRYABLE = Set.of(408, 425, 429);

    @Inject
    GatewayConfig config;

    public boolean isRetryable(int statusCode, boolean retry404) {
        return statusCode >= 500 || RETRYABLE.contains(statusCode) || (statusCode == 404 && retry404);
    }

    /** Delay before attempt {@code attempts + 1}, given the answer's Retry-After (may be null). */
    public Duration delayAfter(int attempts, List<String> retryAfter) {
        GatewayConfig.Fetch fetch = config.fetch();
        Duration max = fetch.retryMaxDelay();
        Duration asked = Backoff.retryAfter(retryAfter, max);
        if (asked != null) {
            return asked;
        }
        long base = fetch.retryInitialDelay().toMillis() << Math.min(Math.max(attempts - 1, 0), 20);
        return Backoff.jittered(Math.min(base, max.toMillis()));
    }
}
