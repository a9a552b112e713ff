package dev.asyncgateway.observability;

import org.jboss.logging.MDC;

/**
 * While open, log lines carry a job's {@code traceId} and {@code spanId} (in the JSON log's {@code mdc}, under the
 * names Quarkus uses for the spans it makes current itself). The lines of a job are written by pipelines that
 * serve many jobs at once, where no single span is current, so the ids are put in place around each line.
 * Closing restores what was there before.
 */
public final class TraceLogScope implements AutoCloseable {

    static final String TRACE_ID = "traceId";
    static final String SPAN_ID = "spanId";

    /** Changes nothing: for jobs without a trace, and whenever tracing is off. */
    public static final TraceLogScope NONE = new TraceLogScope(null, null);

    private final Object previousTraceId;
    private final Object previousSpanId;

    private TraceLogScope(Object previousTraceId, Object previousSpanId) {
        this.previousTraceId = previousTraceId;
        this.previousSpanId = previousSpanId;
    }

    static TraceLogScope open(String traceId, String spanId) {
        return new TraceLogScope(MDC.put(TRACE_ID, traceId), MDC.put(SPAN_ID, spanId));
    }

    @Override
    public void close() {
        if (this == NONE) {
            return;
        }
        restore(TRACE_ID, previousTraceId);
        restore(SPAN_ID, previousSpanId);
    }

    private static void restore(String key, Object previous) {
        if (previous == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, previous);
        }
    }
}
