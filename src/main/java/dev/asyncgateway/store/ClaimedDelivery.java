package dev.asyncgateway.store;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A delivery this instance has claimed, with what it takes to send it in one round trip: the account's
 * signing secrets and, for a callback, the job as it is now.
 *
 * @param kind      {@code callback}, or the event type of an account notification ({@code callback-failed}, {@code batch-finished})
 * @param url       as stored: a password in it is sealed (opened where the request is built)
 * @param headers   JSON array of {@code {"key","value"}} custom headers (values sealed), or null
 * @param payload   the {@code eventData} of a notification as JSON; null for a callback (rendered from the job)
 * @param attempt   the number of this attempt, counted by the claim itself
 * @param exhausted true when the claim found every attempt used (an earlier holder died mid-attempt): nothing is sent, the delivery fails
 * @param receiver  lower-case {@code host:port} of the URL, the unit of the per-receiver cap
 * @param secrets   base64 signing keys as stored (sealed): the current one first, then the previous one during a rotation
 * @param job       the job of a callback, with this delivery as its callback state; null for notifications
 */
public record ClaimedDelivery(
        UUID id,
        UUID leaseToken,
        UUID accountId,
        String kind,
        String url,
        String headers,
        String encoding,
        String payload,
        int attempt,
        int maxAttempts,
        boolean exhausted,
        String receiver,
        OffsetDateTime createdAt,
        List<String> secrets,
        JobRow job) {

    public static final String CALLBACK = "callback";

    public boolean isCallback() {
        return CALLBACK.equals(kind);
    }
}
