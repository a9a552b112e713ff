package dev.asyncgateway.callback;

import dev.asyncgateway.runner.FetchResult;
import dev.asyncgateway.store.ClaimedDelivery;
import dev.asyncgateway.store.DeliveryOutcome;
import dev.asyncgateway.store.DeliveryOutcome.Next;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * Makes one attempt of a claimed delivery: build the request, send it, decide what the answer means,
 * record that. Any 2xx delivers; a 410 Gone stops at once; anything else (other statuses, redirects,
 * timeouts, refused or dropped connections) is retried while attempts remain.
 */
@ApplicationScoped
public class DeliveryExecutor {

    private static final Logger LOG = Logger.getLogger(DeliveryExecutor.class);
    private static final int GONE = 410;

    @Inject
    DeliveryRequestBuilder requests;

    @Inject
    DeliverySender sender;

    @Inject
    RetrySchedule schedule;

    @Inject
    DeliveryRecorder recorder;

    /** Completes with the outcome once it is recorded. */
    public Uni<DeliveryOutcome> run(ClaimedDelivery delivery) {
        if (delivery.exhausted()) {
            LOG.warnf("delivery %s: the instance making its last attempt stopped before recording it; it has failed", delivery.id());
            return record(new DeliveryOutcome(delivery.id(), delivery.leaseToken(), null, null, 0, null, null,
                    "no outcome recorded for the last attempt", null, Next.FAILED, null));
        }
        OffsetDateTime startedAt = OffsetDateTime.now();
        long started = System.nanoTime();
        return Uni.createFrom().item(() -> requests.build(delivery))
                .chain(request -> sender.send(request)
                        .map(result -> decide(delivery, result, startedAt, Duration.ofNanos(System.nanoTime() - started)))
                        .invoke(outcome -> log(delivery, request, outcome)))
                .chain(this::record);
    }

    private Uni<DeliveryOutcome> record(DeliveryOutcome outcome) {
        return recorder.record(outcome).replaceWith(outcome);
    }

    private DeliveryOutcome decide(ClaimedDelivery delivery, FetchResult result, OffsetDateTime startedAt, Duration took) {
        int durationMs = (int) Math.min(Integer.MAX_VALUE, took.toMillis());
        if (result instanceof FetchResult.Answer answer) {
            int status = answer.statusCode();
            String body = new String(answer.body(), StandardCharsets.UTF_8).replace("\u0000", "");
            if (status >= 200 && status < 300) {
                return new DeliveryOutcome(delivery.id(), delivery.leaseToken(), delivery.attempt(), startedAt, durationMs,
                        status, null, null, body, Next.DELIVERED, null);
            }
            if (status == GONE) {
                return new DeliveryOutcome(delivery.id(), delivery.leaseToken(), delivery.attempt(), startedAt, durationMs,
                        status, null, "HTTP 410 Gone: the receiver wants no more deliveries", body, Next.FAILED, null);
            }
            String error = status >= 300 && status < 400 ? "HTTP " + status + " (redirects are not followed)" : "HTTP " + status;
            return new DeliveryOutcome(delivery.id(), delivery.leaseToken(), delivery.attempt(), startedAt, durationMs,
                    status, null, error, body, Next.RETRY,
                    schedule.delayAfter(delivery.attempt(), answer.headers().get("retry-after")));
        }
        FetchResult.Failure failure = (FetchResult.Failure) result;
        return new DeliveryOutcome(delivery.id(), delivery.leaseToken(), delivery.attempt(), startedAt, durationMs,
                null, failure.kind(), failure.kind() + ": " + failure.message(), null, Next.RETRY,
                schedule.delayAfter(delivery.attempt(), null));
    }

    private static void log(ClaimedDelivery delivery, DeliveryRequest request, DeliveryOutcome outcome) {
        String result = outcome.statusCode() != null ? "HTTP " + outcome.statusCode() : outcome.errorKind();
        LOG.infof("delivery %s (%s) attempt %d/%d to %s: %s in %d ms, %s", delivery.id(), delivery.kind(),
                delivery.attempt(), delivery.maxAttempts(), request.shownUrl(), result, outcome.durationMs(),
                outcome.next() == Next.RETRY && delivery.attempt() < delivery.maxAttempts()
                        ? "retry in " + outcome.retryDelay().toMillis() + " ms"
                        : outcome.next() == Next.DELIVERED ? "delivered" : "failed");
    }
}
