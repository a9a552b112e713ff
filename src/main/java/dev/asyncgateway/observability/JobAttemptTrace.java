package dev.asyncgateway.observability;

import dev.asyncgateway.outbound.FetchResult;
import dev.asyncgateway.store.JobOutcome;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One claimed attempt of a job in its trace: the {@code job attempt} span, from the claim to the recorded outcome,
 * with the target fetch as its child client span, and the decision as an event: {@code retry scheduled} (with the
 * delay) or {@code job ended} (with the status and the failReason). {@link #NONE} does nothing at all.
 */
public class JobAttemptTrace {

    static final AttributeKey<String> STATUS = AttributeKey.stringKey("gateway.job.status");
    static final AttributeKey<String> FAIL_REASON = AttributeKey.stringKey("gateway.job.fail_reason");
    static final AttributeKey<Long> RETRY_DELAY_MS = AttributeKey.longKey("gateway.retry.delay_ms");

    /** For a job without a trace, and whenever tracing is off. */
    public static final JobAttemptTrace NONE = new JobAttemptTrace(null, null, 0, false);

    private final Tracer tracer;
    private final Span span;
    private final int attempt;
    private final boolean propagateToTarget;
    private Span fetch;

    JobAttemptTrace(Tracer tracer, Span span, int attempt, boolean propagateToTarget) {
        this.tracer = tracer;
        this.span = span;
        this.attempt = attempt;
        this.propagateToTarget = propagateToTarget;
    }

    /** {@code work}, ending this span when it terminates (however it does). */
    public <T> Uni<T> covering(Uni<T> work) {
        return span == null ? work : work.onTermination().invoke(this::end);
    }

    /**
     * Opens the fetch's client span. Returns the headers to send: {@code headers} itself, or, with
     * {@code gateway.fetch.propagate-trace} on, a copy with the trace headers added.
     */
    public Map<String, String> fetching(String method, String url, Map<String, String> headers) {
        if (span == null) {
            return headers;
        }
        fetch = HttpClientSpans.start(tracer, Context.root().with(span), method, url, attempt);
        if (!propagateToTarget) {
            return headers;
        }
        Map<String, String> traced = new LinkedHashMap<>(headers);
        HttpClientSpans.inject(fetch, traced);
        return traced;
    }

    public void fetched(FetchResult result) {
        if (fetch != null) {
            HttpClientSpans.answered(fetch, result);
            fetch.end();
            fetch = null;
        }
    }

    /** What the attempt decided, as it is about to be recorded. */
    public void decided(JobOutcome outcome) {
        if (span == null) {
            return;
        }
        if (!outcome.endsJob()) {
            span.addEvent("retry scheduled", Attributes.of(RETRY_DELAY_MS, outcome.retryDelay().toMillis()));
            return;
        }
        span.setAttribute(STATUS, outcome.status());
        if (outcome.failReason() == null) {
            span.addEvent("job ended", Attributes.of(STATUS, outcome.status()));
        } else {
            span.setAttribute(FAIL_REASON, outcome.failReason());
            span.addEvent("job ended", Attributes.of(STATUS, outcome.status(), FAIL_REASON, outcome.failReason()));
            span.setStatus(StatusCode.ERROR, outcome.failReason());
        }
    }

    /** For the attempt's log lines: its span's ids in them (they record no latency, so no span is named for exemplars). */
    public JobTraceScope log() {
        return span == null ? JobTraceScope.NONE
                : JobTraceScope.ids(span.getSpanContext().getTraceId(), span.getSpanContext().getSpanId());
    }

    /** For the fetch's latency: the fetch span named while it is recorded (an exemplar links the bucket to it). */
    public JobTraceScope fetchScope() {
        return fetch == null ? JobTraceScope.NONE : JobTraceScope.open(fetch);
    }

    private void end() {
        if (fetch != null) {
            fetch.end();
        }
        span.end();
    }
}
