package dev.asyncgateway.observability;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.prometheus.client.exemplars.DefaultExemplarSampler;
import io.prometheus.client.exemplars.ExemplarSampler;
import io.prometheus.client.exemplars.tracer.common.SpanContextSupplier;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.Optional;

/**
 * The exemplars of the Prometheus latency histograms: the trace of a recent measurement in each bucket. Quarkus's own
 * sampler reads the current OpenTelemetry span, and making a job's span current on a Vert.x thread rewrites the
 * context's whole MDC on the way in and again on the way out: that cost a traced job more than the rest of its
 * tracing, for an exemplar that Prometheus keeps at most one of per bucket for 7 s. So a job's latency is recorded
 * with its span only named on the thread ({@link Named}, or {@link JobTraceScope#open} along with a log line's ids);
 * this sampler reads that span first, and else the current span as Quarkus's does (the HTTP server's own latencies).
 */
public class LatencyExemplars {

    private static final ThreadLocal<SpanContext> NAMED = new ThreadLocal<>();

    /**
     * While open, a latency recorded on this thread gets a span as its exemplar. Alone for a measurement that writes no
     * log line, so the MDC is left alone; {@link JobTraceScope} holds one along with a log line's ids.
     */
    public static final class Named implements AutoCloseable {

        /** Names nothing: for jobs without a trace, and whenever tracing is off. */
        public static final Named NONE = new Named(null);

        /** What was named before this, restored on close; null when nothing was. */
        private final SpanContext previous;

        private Named(SpanContext previous) {
            this.previous = previous;
        }

        static Named open(SpanContext span) {
            SpanContext previous = NAMED.get();
            NAMED.set(span);
            return new Named(previous);
        }

        @Override
        public void close() {
            if (this == NONE) {
                return;
            }
            if (previous == null) {
                NAMED.remove();
            } else {
                NAMED.set(previous);
            }
        }
    }

    @Produces
    @Singleton
    @Alternative
    @Priority(1)
    Optional<ExemplarSampler> exemplarSampler() {
        return Optional.of(new DefaultExemplarSampler(new SpanContextSupplier() {
            @Override
            public String getTraceId() {
                SpanContext span = span();
                return span.isValid() ? span.getTraceId() : null;
            }

            @Override
            public String getSpanId() {
                SpanContext span = span();
                return span.isValid() ? span.getSpanId() : null;
            }

            @Override
            public boolean isSampled() {
                return span().isSampled();
            }
        }));
    }

    private static SpanContext span() {
        SpanContext named = NAMED.get();
        return named != null ? named : Span.current().getSpanContext();
    }
}
