package dev.asyncgateway.observability;

import dev.asyncgateway.store.DeliveryOutcome;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.smallrye.mutiny.Uni;

/**
 * One attempt of a job's callback in the job's trace: an HTTP client span (status, error kind, attempt number), its
 * context sent to the receiver as {@code traceparent}. The last failed attempt carries the {@code callback-failed}
 * event. {@link #NONE} does nothing at all.
 */
public class DeliveryTrace {

    static final AttributeKey<String> DELIVERY_ID = AttributeKey.stringKey("gateway.delivery.id");
    static final AttributeKey<String> VERDICT = AttributeKey.stringKey("gateway.delivery.verdict");

    /** For notifications, jobs without a trace, and whenever tracing is off. */
    public static final DeliveryTrace NONE = new DeliveryTrace(null);

    private final Span span;

    DeliveryTrace(Span span) {
        this.span = span;
    }

    /** {@code work}, ending this span when it terminates (however it does). */
    public <T> Uni<T> covering(Uni<T> work) {
        return span == null ? work : work.onTermination().invoke(span::end);
    }

    /**
     * @param verdict {@code delivered}, {@code retry} or {@code failed} (this was the last attempt, or the receiver
     *                wants no more): then the delivery has failed for good, which the {@code callback-failed} event marks
     */
    public void attempted(DeliveryOutcome outcome, String verdict) {
        if (span == null) {
            return;
        }
        HttpClientSpans.answered(span, outcome.statusCode(), outcome.errorKind());
        span.setAttribute(VERDICT, verdict);
        if ("failed".equals(verdict)) {
            span.addEvent("callback-failed", outcome.error() == null ? Attributes.empty()
                    : Attributes.of(AttributeKey.stringKey("gateway.delivery.last_error"), outcome.error()));
        }
    }

    /** For the attempt's log line and latency: its ids in the log line, its span named for the latency's exemplar. */
    public JobTraceScope log() {
        return span == null ? JobTraceScope.NONE : JobTraceScope.open(span);
    }
}
