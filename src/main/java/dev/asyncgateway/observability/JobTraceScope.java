package dev.asyncgateway.observability;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import org.jboss.logging.MDC;

/**
 * While open, log lines carry a job's {@code traceId} and {@code spanId} (in the JSON log's {@code mdc}, under the
 * names Quarkus uses for the spans it makes current itself), and, when opened for a span, a latency recorded meanwhile
 * gets that span as its exemplar ({@link LatencyExemplars}); opened for ids alone, it only names them. The lines and
 * meters of a job are written by pipelines that serve many jobs at once, where no single span is current, so the ids
 * are put in place around each of them.
 * Closing restores what was there before.
 * <p>
 * Quarkus keeps the MDC of a Vert.x thread in the current <em>duplicated</em> context. On a root context (where a
 * statement's answer or a timer may resume a pipeline) each MDC call would make a new duplicate of its own, and the ids
 * would be gone before the line is written; so there the scope runs under a duplicate of that context while open.
 */
public final class JobTraceScope implements AutoCloseable {

    static final String TRACE_ID = "traceId";
    static final String SPAN_ID = "spanId";

    /** Changes nothing: for jobs without a trace, and whenever tracing is off. */
    public static final JobTraceScope NONE = new JobTraceScope(null, null, LatencyExemplars.Named.NONE, null);

    private final Object previousTraceId;
    private final Object previousSpanId;
    /** The span named for a latency's exemplar while open ({@link LatencyExemplars.Named#NONE} for ids alone). */
    private final LatencyExemplars.Named exemplar;
    /** The duplicated context this scope runs under, when it was opened on a root context; else null. */
    private final Dispatch dispatch;

    private JobTraceScope(Object previousTraceId, Object previousSpanId, LatencyExemplars.Named exemplar,
                          Dispatch dispatch) {
        this.previousTraceId = previousTraceId;
        this.previousSpanId = previousSpanId;
        this.exemplar = exemplar;
        this.dispatch = dispatch;
    }

    /** A duplicate of a root context, made current on this thread until {@link #end}, and the context it replaced. */
    private record Dispatch(ContextInternal duplicate, ContextInternal previous) {

        /** Null when the thread has no Vert.x context or already runs on a duplicated one. */
        static Dispatch ifOnRootContext() {
            if (Vertx.currentContext() instanceof ContextInternal context && !context.isDuplicate()) {
                ContextInternal duplicate = context.duplicate();
                return new Dispatch(duplicate, duplicate.beginDispatch());
            }
            return null;
        }

        void end() {
            duplicate.endDispatch(previous);
        }
    }


    /** The span's ids in the log lines, and the span named for the exemplar of a latency recorded meanwhile. */
    static JobTraceScope open(Span span) {
        SpanContext context = span.getSpanContext();
        return withIds(context.getTraceId(), context.getSpanId(), LatencyExemplars.Named.open(context));
    }

    /** The ids in the log lines only: for lines that record no latency. */
    static JobTraceScope ids(String traceId, String spanId) {
        return withIds(traceId, spanId, LatencyExemplars.Named.NONE);
    }

    /** The duplicated context first, when one is needed: the MDC calls then write into it. */
    private static JobTraceScope withIds(String traceId, String spanId, LatencyExemplars.Named exemplar) {
        Dispatch dispatch = Dispatch.ifOnRootContext();
        return new JobTraceScope(MDC.put(TRACE_ID, traceId), MDC.put(SPAN_ID, spanId), exemplar, dispatch);
    }

    @Override
    public void close() {
        if (this == NONE) {
            return;
        }
        exemplar.close();
        restore(TRACE_ID, previousTraceId);
        restore(SPAN_ID, previousSpanId);
        if (dispatch != null) {
            dispatch.end();
        }
    }

    private static void restore(String key, Object previous) {
        if (previous == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, previous);
        }
    }
}
