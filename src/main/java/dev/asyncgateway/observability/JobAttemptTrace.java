package dev.asyncgateway.observability;

import dev.asyncgateway.outbound.FetchResult;
import dev.asyncgateway.store.JobOutcome;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One claimed attempt of a job in its trace, as one span: the attempt's target fetch, an HTTP client span (the
 * semantic conventions' attributes, plus the job, its batch and the attempt number), from the request to the attempt's
 * decision, which it carries as an event: {@code retry scheduled} (with the delay) or {@code job ended} (with the status
 * and the failReason). An attempt that ends without a request (its deadline passed, its stored request unreadable) gets
 * a {@code job attempt} span with that event instead. {@link #NONE} does nothing at all.
 * <p>
 * One span per attempt rather than an attempt span with the fetch as its child: the SDK and the export cost about the
 * same per span, and that third span per job cost more than all of a job's other tracing work (bench/README.md).
 */
public class JobAttemptTrace {

    static final AttributeKey<String> STATUS = AttributeKey.stringKey("gateway.job.status");
    static final AttributeKey<String> FAIL_REASON = AttributeKey.stringKey("gateway.job.fail_reason");
    static final AttributeKey<Long> RETRY_DELAY_MS = AttributeKey.longKey("gateway.retry.delay_ms");

    /** For a job without a trace, and whenever tracing is off. */
    public static final JobAttemptTrace NONE = new JobAttemptTrace(null, null, null, null, 0, false);

    private final Tracer tracer;
    /** The job's stored trace context: the span its steps hang under. */
    private final Context parent;
    private final String jobId;
    private final String batchId;
    private final int attempt;
    private final boolean propagateToTarget;
    /** Open from the request (or the decision, without one) until the decision; null before and after. */
    private Span span;

    JobAttemptTrace(Tracer tracer, Context parent, String jobId, String batchId, int attempt, boolean propagateToTarget) {
        this.tracer = tracer;
        this.parent = parent;
        this.jobId = jobId;
        this.batchId = batchId;
        this.attempt = attempt;
        this.propagateToTarget = propagateToTarget;
    }

    /** {@code work}, ending this attempt's span if it terminates (fails) before the decision. */
    public <T> Uni<T> covering(Uni<T> work) {
        return tracer == null ? work : work.onTermination().invoke(this::end);
    }

    /**
     * Opens the attempt's span as the fetch starts. Returns the headers to send: {@code headers} itself, or, with
     * {@code gateway.fetch.propagate-trace} on, a copy with the trace headers added.
     */
    public Map<String, String> fetching(String method, String url, Map<String, String> headers) {
        if (tracer == null) {
            return headers;
        }
        span = named(HttpClientSpans.start(tracer, parent, method, url, attempt));
        if (!propagateToTarget) {
            return headers;
        }
        Map<String, String> traced = new LinkedHashMap<>(headers);
        HttpClientSpans.inject(span, traced);
        return traced;
    }

    public void fetched(FetchResult result) {
        if (span != null) {
            HttpClientSpans.answered(span, result);
        }
    }

    /** What the attempt decided, as it is about to be recorded: the span's last event; the span ends. */
    public void decided(JobOutcome outcome) {
        if (tracer == null) {
            return;
        }
        if (span == null) {
            span = named(tracer.spanBuilder("job attempt").setParent(parent).setSpanKind(SpanKind.INTERNAL)
                    .setAttribute(JobTraces.ATTEMPT, (long) attempt).startSpan());
        }
        if (!outcome.endsJob()) {
            span.addEvent("retry scheduled", Attributes.of(RETRY_DELAY_MS, outcome.retryDelay().toMillis()));
        } else {
            span.setAttribute(STATUS, outcome.status());
            if (outcome.failReason() == null) {
                span.addEvent("job ended", Attributes.of(STATUS, outcome.status()));
            } else {
                span.setAttribute(FAIL_REASON, outcome.failReason());
                span.addEvent("job ended", Attributes.of(STATUS, outcome.status(), FAIL_REASON, outcome.failReason()));
                span.setStatus(StatusCode.ERROR, outcome.failReason());
            }
        }
        end();
    }

    /**
     * For the attempt's log lines: its span's ids in them, or before the span opens the ids of the span the job's
     * steps hang under (they record no latency, so no span is named for exemplars).
     */
    public JobTraceScope log() {
        if (tracer == null) {
            return JobTraceScope.NONE;
        }
        SpanContext ids = (span == null ? Span.fromContext(parent) : span).getSpanContext();
        return JobTraceScope.ids(ids.getTraceId(), ids.getSpanId());
    }

    /** For the fetch's latency: the attempt's span named while it is recorded (an exemplar links the bucket to it). */
    public LatencyExemplars.Named fetchScope() {
        return span == null ? LatencyExemplars.Named.NONE : LatencyExemplars.Named.open(span.getSpanContext());
    }

    private Span named(Span opened) {
        opened.setAttribute(JobTraces.JOB_ID, jobId);
        if (batchId != null) {
            opened.setAttribute(JobTraces.BATCH_ID, batchId);
        }
        return opened;
    }

    private void end() {
        if (span != null) {
            span.end();
            span = null;
        }
    }
}
