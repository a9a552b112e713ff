package dev.asyncgateway.observability;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

import java.util.Map;

/**
 * A job's W3C trace context as the job row stores it (a plain text column, so the store needs no tracing types):
 * the {@code traceparent}, then a newline and the {@code tracestate} when there is one. A newline can appear in
 * neither header (W3C Trace Context, section 3), so the split is unambiguous.
 */
public final class StoredTraceContext {

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final String TRACEPARENT = "traceparent";
    private static final String TRACESTATE = "tracestate";
    /** {@code 00-<32 hex trace id>-<16 hex span id>-<2 hex flags>}. */
    private static final int TRACEPARENT_LENGTH = 55;
    private static final TextMapGetter<Map<String, String>> MAP_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private StoredTraceContext() {
    }

    /** The stored form of {@code context}'s span context; null when it has none or it was not sampled (then nothing joins it). */
    static String of(Context context) {
        SpanContext span = Span.fromContext(context).getSpanContext();
        if (!span.isValid() || !span.isSampled()) {
            return null;
        }
        Carrier carrier = new Carrier();
        W3C.inject(context, carrier, Carrier::set);
        return carrier.tracestate == null || carrier.tracestate.isEmpty() ? carrier.traceparent
                : carrier.traceparent + "\n" + carrier.tracestate;
    }

    /** The remote parent that a stored context stands for; the root context when it cannot be read. */
    static Context parent(String stored) {
        int newline = stored.indexOf('\n');
        String traceparent = newline < 0 ? stored : stored.substring(0, newline);
        String tracestate = newline < 0 ? null : stored.substring(newline + 1);
        Map<String, String> carrier = tracestate == null ? Map.of(TRACEPARENT, traceparent)
                : Map.of(TRACEPARENT, traceparent, TRACESTATE, tracestate);
        return W3C.extract(Context.root(), carrier, MAP_GETTER);
    }

    /** The trace id (32 lower-case hex digits) of a stored context, or null: what a client sees as the job's {@code traceId}. */
    public static String traceId(String stored) {
        if (stored == null || stored.length() < TRACEPARENT_LENGTH) {
            return null;
        }
        return stored.substring(3, 35);
    }


    private static final class Carrier {
        String traceparent;
        String tracestate;

        void set(String key, String value) {
            if (TRACEPARENT.equals(key)) {
                traceparent = value;
            } else if (TRACESTATE.equals(key)) {
                tracestate = value;
            }
        }
    }
}
