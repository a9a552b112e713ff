package dev.asyncgateway.store;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * What one delivery attempt found, and what follows from it.
 *
 * @param attempt    the attempt number, or null when no request was sent (nothing goes to the attempt log)
 * @param statusCode the receiver's HTTP status, null when there was no answer
 * @param errorKind  short cause of a failure without answer, e.g. {@code timeout}, {@code connection_refused}
 * @param error      human-readable reason of a failure, kept as the delivery's {@code last_error}
 * @param next       what the delivery does now
 * @param retryDelay when {@code next} is {@link Next#RETRY}: wait before the next attempt
 */
public record DeliveryOutcome(
        UUID deliveryId,
        UUID leaseToken,
        Integer attempt,
        OffsetDateTime startedAt,
        int durationMs,
        Integer statusCode,
        String errorKind,
        String error,
        String responseBody,
        Next next,
        Duration retryDelay) {

    public enum Next {
        /** The receiver took it: the delivery is done. */
        DELIVERED,
        /** Try again after the delay, unless that was the last attempt (then: failed). */
        RETRY,
        /** Give up now (410 Gone, or every attempt used). */
        FAILED;

        String column() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
