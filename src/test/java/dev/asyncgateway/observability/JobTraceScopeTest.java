package dev.asyncgateway.observability;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A job's log line carries its trace ids on whatever Vert.x context the pipeline writes it: a root context (where a
 * statement's answer or a timer resumes it) as well as a duplicated one. On a root context, Quarkus's MDC made a new
 * duplicate for every call, so the ids were lost before the line was written (seen as flaky trace ids in
 * JobTracingTest).
 */
@QuarkusTest
class JobTraceScopeTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN_ID = "00f067aa0ba902b7";
    private static final Logger LOG = Logger.getLogger("dev.asyncgateway.observability.JobTraceScopeTest");

    @Inject
    Vertx vertx;

    @Test
    void aLineWrittenOnARootContextCarriesTheIds() throws Exception {
        Context root = vertx.getOrCreateContext();
        assertFalse(((ContextInternal) root).isDuplicate());
        assertLineCarriesIds(root);
    }

    @Test
    void aLineWrittenOnADuplicatedContextCarriesTheIds() throws Exception {
        assertLineCarriesIds(((ContextInternal) vertx.getOrCreateContext()).duplicate());
    }

    private void assertLineCarriesIds(Context context) throws Exception {
        List<LogLines.Line> lines = onContext(context, ignored -> {
            try (JobTraceScope scope = JobTraceScope.ids(TRACE_ID, SPAN_ID)) {
                LOG.info("job-trace-scope-test inside");
            }
            LOG.info("job-trace-scope-test after");
        });
        LogLines.Line inside = lines.stream().filter(l -> l.message().endsWith("inside")).findFirst().orElseThrow();
        assertEquals(TRACE_ID, inside.traceId());
        assertEquals(SPAN_ID, inside.spanId());
        LogLines.Line after = lines.stream().filter(l -> l.message().endsWith("after")).findFirst().orElseThrow();
        assertNull(after.traceId(), "closing the scope takes the ids away again");
    }

    /** Runs {@code work} on {@code context} and returns the lines it logged. */
    private static List<LogLines.Line> onContext(Context context, Consumer<Void> work) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try (LogLines lines = LogLines.capture()) {
            context.runOnContext(ignored -> {
                try {
                    work.accept(null);
                    done.complete(null);
                } catch (Throwable e) {
                    done.completeExceptionally(e);
                }
            });
            done.get(10, TimeUnit.SECONDS);
            return lines.containing("job-trace-scope-test");
        }
    }
}
