package dev.asyncgateway.observability;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
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
    /** The version written here ({@link W3CTraceContextPropagator}), the one read without the propagator. */
    private static final String VERSION = "00-";
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

    /** The last context read and what it stands for (a record: read and replaced whole, no lock needed). */
    private static volatile Parsed lastParsed;

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

    /**
     * The remote parent that a stored context stands for; the root context when it cannot be read. The jobs of a batch
     * share one stored context, so the last one read is kept: each of a batch's steps then reads none.
     */
    static Context parent(String stored) {
        Parsed last = lastParsed;
        if (last != null && last.stored.equals(stored)) {
            return last.parent;
        }
        Context parent = read(stored);
        lastParsed = new Parsed(stored, parent);
        return parent;
    }

    /**
     * A {@code traceparent} alone, of the version written here (what the gateway stores unless the caller sent a
     * {@code tracestate}), is read in place; anything else goes through the propagator and its rules.
     */
    private static Context read(String stored) {
        if (stored.length() == TRACEPARENT_LENGTH && stored.startsWith(VERSION) && stored.charAt(35) == '-'
                && stored.charAt(52) == '-' && isLowerHex(stored.charAt(53)) && isLowerHex(stored.charAt(54))) {
            SpanContext span = SpanContext.createFromRemoteParent(stored.substring(3, 35), stored.substring(36, 52),
                    TraceFlags.fromHex(stored, 53), TraceState.getDefault());
            if (span.isValid()) {
                return Context.root().with(Span.wrap(span));
            }
        }
        int newline = stored.indexOf('\n');
        String traceparent = newline < 0 ? stored : stored.substring(0, newline);
        String tracestate = newline < 0 ? null : stored.substring(newline + 1);
        Map<String, String> carrier = tracestate == null ? Map.of(TRACEPARENT, traceparent)
                : Map.of(TRACEPARENT, traceparent, TRACESTATE, tracestate);
        return W3C.extract(Context.root(), carrier, MAP_GETTER);
    }

    private static boolean isLowerHex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f';
    }

    /** The trace id (32 lower-case hex digits) of a stored context, or null: what a client sees as the job's {@code traceId}. */
    public static String traceId(String stored) {
        if (stored == null || stored.length() < TRACEPARENT_LENGTH) {
            return null;
        }
        return stored.substring(3, 35);
    }

    /** The span id (16 lower-case hex digits) of a stored context, or null: the span a job's steps hang under. */
    static String spanId(String stored) {
        if (stored == null || stored.length() < TRACEPARENT_LENGTH) {
            return null;
        }
        return stored.substring(36, 52);
    }

    private record Parsed(String stored, Context parent) {
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
