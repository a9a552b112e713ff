package dev.asyncgateway.observability;

import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.store.ClaimedDelivery;
import dev.asyncgateway.store.JobRow;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Map;
import java.util.UUID;

/**
 * One trace per job: where each step of a job opens its span. The trace starts with the HTTP request that submitted
 * the job (Quarkus makes its server span, continuing an incoming {@code traceparent}); the job row keeps that span's
 * context ({@link StoredTraceContext}), and every later step, on any instance and after any restart, starts its span
 * under it: each fetch attempt ({@link JobAttemptTrace}), each callback attempt ({@link DeliveryTrace}), and the end of
 * a batch.
 * <p>
 * Cost: with the SDK disabled (the default) every method returns at its first test, allocating nothing; a job
 * submitted while tracing was off, or not sampled, has no stored context and costs the same nothing later.
 */
@ApplicationScoped
public class JobTraces {

    static final AttributeKey<String> JOB_ID = AttributeKey.stringKey("gateway.job.id");
    static final AttributeKey<String> BATCH_ID = AttributeKey.stringKey("gateway.batch.id");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("gateway.attempt");

    private static final String INSTRUMENTATION_SCOPE = "dev.asyncgateway";

    @Inject
    OpenTelemetry openTelemetry;

    @Inject
    GatewayConfig config;

    /** Quarkus's own switch: with the SDK disabled the API is a no-op and nothing is stored or started. */
    @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false")
    boolean sdkDisabled;

    private boolean on;
    private boolean propagateToTargets;
    private Tracer tracer;

    @PostConstruct
    void init() {
        on = !sdkDisabled;
        propagateToTargets = config.fetch().propagateTrace();
        tracer = openTelemetry.getTracer(INSTRUMENTATION_SCOPE);
    }

    /**
     * The trace context a submission stores on its jobs: that of the current span (the {@code POST /jobs} or
     * {@code POST /batchjobs} server span). Call it on the request's own context, before the request goes async.
     *
     * @return null when tracing is off or the request is not sampled
     */
    public String submission() {
        return on ? StoredTraceContext.of(Context.current()) : null;
    }

    /** The trace of one claimed attempt of {@code job}; {@link JobAttemptTrace#NONE} for a job without a trace. */
    public JobAttemptTrace attempt(JobRow job) {
        if (!on || job.traceContext() == null) {
            return JobAttemptTrace.NONE;
        }
        return new JobAttemptTrace(tracer, StoredTraceContext.parent(job.traceContext()), job.id().toString(),
                job.batchId() == null ? null : job.batchId().toString(), job.attempts(), propagateToTargets);
    }

    /**
     * Opens the client span of one attempt of a job's callback, and adds its {@code traceparent} (and {@code tracestate})
     * to {@code headers}, so the receiver can continue the trace. Event notifications (not of one job) have no trace.
     *
     * @param shownUrl the receiver's URL with any password masked
     * @param headers  the request's headers, to which the trace headers are added
     */
    public DeliveryTrace delivery(ClaimedDelivery delivery, String shownUrl, Map<String, String> headers) {
        if (!on || delivery.job() == null || delivery.job().traceContext() == null) {
            return DeliveryTrace.NONE;
        }
        Span span = HttpClientSpans.start(tracer, StoredTraceContext.parent(delivery.job().traceContext()), "POST",
                shownUrl, delivery.attempt());
        span.setAttribute(JOB_ID, delivery.job().id().toString());
        span.setAttribute(DeliveryTrace.DELIVERY_ID, delivery.id().toString());
        HttpClientSpans.inject(span, headers);
        return new DeliveryTrace(span);
    }

    /** Marks the end of a batch in its trace: a {@code batch-finished} event on a span of its own. */
    public void batchFinished(String traceContext, UUID batchId) {
        if (!on || traceContext == null) {
            return;
        }
        tracer.spanBuilder("batch finished")
                .setParent(StoredTraceContext.parent(traceContext))
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute(BATCH_ID, batchId.toString())
                .startSpan()
                .addEvent("batch-finished")
                .end();
    }

    /** For a log line of a job written outside its spans: the job's trace id and the span its steps hang under. */
    public JobTraceScope log(String traceContext) {
        String traceId = on ? StoredTraceContext.traceId(traceContext) : null;
        if (traceId == null) {
            return JobTraceScope.NONE;
        }
        // The ids alone, read off the stored text: a line of every job, where making a span current would cost more
        // than the line itself (the MDC entries hold for the synchronous log call, which switches no context).
        return JobTraceScope.ids(traceId, StoredTraceContext.spanId(traceContext));
    }
}
