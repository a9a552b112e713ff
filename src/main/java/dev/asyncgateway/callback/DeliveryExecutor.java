package dev.asyncgateway.callback;

import dev.asyncgateway.common.CpuWorkers;
import dev.asyncgateway.common.PeerText;
import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.observability.DeliveryTrace;
import dev.asyncgateway.observability.GatewayMetrics;
import dev.asyncgateway.observability.JobTraceScope;
import dev.asyncgateway.observability.JobTraces;
import dev.asyncgateway.outbound.FetchResult;
import dev.asyncgateway.store.ClaimedDelivery;
import dev.asyncgateway.store.DeliveryOutcome.Next;
import dev.asyncgateway.store.DeliveryOutcome;
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
 * timeouts, refused or dropped connections) is retried while attempts remain. A receiver the URL policy
 * refuses fails at once, with error kind {@code blocked_by_url_policy}. What the receiver sent (its answer's body,
 * the error its answer caused) is cleaned and bounded (see {@link PeerText}) before the attempt log keeps it.
 */
@ApplicationScoped
public class DeliveryExecutor {

    private static final Logger LOG = Logger.getLogger(DeliveryExecutor.class);
    private static final int GONE = 410;

    @Inject
    DeliveryRequestBuilder requests;

    @Inject
    CpuWorkers cpuWorkers;

    @Inject
    DeliverySender sender;

    @Inject
    RetrySchedule schedule;

    @Inject
    DeliveryRecorder recorder;

    @Inject
    GatewayMetrics metrics;

    @Inject
    JobTraces traces;

    @Inject
    GatewayConfig config;

    /** Calls {@code sent} when the request is over (answered or not); completes with the outcome once it is recorded. */
    public Uni<DeliveryOutcome> run(ClaimedDelivery delivery, Runnable sent) {
        if (delivery.exhausted()) {
            LOG.warnf("delivery %s: the instance making its last attempt stopped before recording it; it has failed", delivery.id());
            return record(new DeliveryOutcome(delivery.id(), delivery.leaseToken(), null, null, 0, null, null,
                    "no outcome recorded for the last attempt", null, Next.FAILED, null));
        }
        OffsetDateTime startedAt = OffsetDateTime.now();
        long started = System.nanoTime();
        return cpuWorkers.run(documentSize(delivery), () -> requests.build(delivery))
                .chain(request -> send(delivery, request, sent, startedAt, started))
                .chain(this::record);
    }

    /** The request goes out in the job's trace: its client span is the one {@code traceparent} names. */
    private Uni<DeliveryOutcome> send(ClaimedDelivery delivery, DeliveryRequest request, Runnable sent,
                                      OffsetDateTime startedAt, long started) {
        DeliveryTrace trace = traces.delivery(delivery, request.shownUrl(), request.headers());
        return trace.covering(sender.send(request)
                .invoke(sent)
                .map(result -> decide(delivery, result, startedAt, Duration.ofNanos(System.nanoTime() - started)))
                .invoke(outcome -> attempted(delivery, request, outcome, trace)));
    }

    /** What encoding and signing the body costs in proportion to: the job (its response, mostly) or the event it carries. */
    private static long documentSize(ClaimedDelivery delivery) {
        if (delivery.job() == null) {
            return length(delivery.payload());
        }
        return length(delivery.job().response()) + length(delivery.job().meta());
    }

    private static long length(String text) {
        return text == null ? 0 : text.length();
    }

    private Uni<DeliveryOutcome> record(DeliveryOutcome outcome) {
        return recorder.record(outcome).replaceWith(outcome);
    }

    private DeliveryOutcome decide(ClaimedDelivery delivery, FetchResult result, OffsetDateTime startedAt, Duration took) {
        int durationMs = (int) Math.min(Integer.MAX_VALUE, took.toMillis());
        if (result instanceof FetchResult.Answer answer) {
            int status = answer.statusCode();
            String body = PeerText.decode(answer.body(), StandardCharsets.UTF_8, config.callback().responseLogBytes());
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
        // A receiver refused by the URL policy stays refused: like a 410, retrying would only spend attempts.
        Next next = failure.retryable() ? Next.RETRY : Next.FAILED;
        return new DeliveryOutcome(delivery.id(), delivery.leaseToken(), delivery.attempt(), startedAt, durationMs,
                null, failure.kind(), PeerText.line(failure.kind() + ": " + failure.message(), PeerText.ERROR_MAX_BYTES), null, next,
                next == Next.RETRY ? schedule.delayAfter(delivery.attempt(), null) : null);
    }

    /** One log line and one metered attempt, with the same verdict. */
    private void attempted(ClaimedDelivery delivery, DeliveryRequest request, DeliveryOutcome outcome, DeliveryTrace trace) {
        String result = outcome.statusCode() != null ? "HTTP " + outcome.statusCode() : outcome.errorKind();
        boolean retry = outcome.next() == Next.RETRY && delivery.attempt() < delivery.maxAttempts();
        String verdict = retry ? "retry" : outcome.next() == Next.DELIVERED ? "delivered" : "failed";
        trace.attempted(outcome, verdict);
        try (JobTraceScope ignored = trace.log()) {
            LOG.infof("delivery %s (%s%s) attempt %d/%d to %s: %s in %d ms, %s", delivery.id(), delivery.kind(),
                    delivery.job() == null ? "" : " of job " + delivery.job().id(), delivery.attempt(), delivery.maxAttempts(),
                    request.shownUrl(), result, outcome.durationMs(),
                    retry ? "retry in " + outcome.retryDelay().toMillis() + " ms" : verdict);
            metrics.deliveryAttempt(verdict, Duration.ofMillis(outcome.durationMs()));
        }
    }
}
