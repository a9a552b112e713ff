package dev.asyncgateway.runner;

import dev.asyncgateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

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
        Duration asked = retryAfter == null || retryAfter.isEmpty() ? null : parseRetryAfter(retryAfter.get(0));
        if (asked != null) {
            return asked.compareTo(max) > 0 ? max : asked;
        }
        long base = fetch.retryInitialDelay().toMillis() << Math.min(Math.max(attempts - 1, 0), 20);
        long capped = Math.min(base, max.toMillis());
        // Jitter of ±20 % spreads retries of jobs that failed together.
        double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return Duration.ofMillis((long) (capped * jitter));
    }

    public static Duration parseRetryAfter(String value) {
        String trimmed = value.trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(trimmed)));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration until = Duration.between(OffsetDateTime.now().toInstant(), at.toInstant());
                return until.isNegative() ? Duration.ZERO : until;
            } catch (RuntimeException notADate) {
                return null;
            }
        }
    }
}
