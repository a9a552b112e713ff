package dev.asyncgateway.queue;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What both workers' retry schedules share (job fetches in runner/RetryPolicy, deliveries in callback/RetrySchedule):
 * the peer's {@code Retry-After}, honoured up to a maximum, else the worker's own delay with jitter.
 */
public final class Backoff {

    private Backoff() {
    }

    /**
     * The delay the peer asked for with its first {@code Retry-After} value (seconds or an HTTP date), at most
     * {@code max}; null when it asked for none or its value is neither.
     */
    public static Duration retryAfter(List<String> retryAfter, Duration max) {
        Duration asked = retryAfter == null || retryAfter.isEmpty() ? null : parseRetryAfter(retryAfter.get(0));
        return asked == null || asked.compareTo(max) <= 0 ? asked : max;
    }

    /** {@code delayMs} give or take 20 %, which spreads the retries of work that failed together (a peer that was down). */
    public static Duration jittered(long delayMs) {
        double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return Duration.ofMillis((long) (delayMs * jitter));
    }

    /** A {@code Retry-After} value as a delay from now (never negative), or null when it is neither seconds nor a date. */
    static Duration parseRetryAfter(String value) {
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
