package dev.asyncgateway.queue;

import dev.asyncgateway.testsupport.GatewayProcess;
import dev.asyncgateway.testsupport.ScratchDatabase;
import dev.asyncgateway.testsupport.TargetServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM against the packaged gateway: readiness turns DOWN, a fetch that ends within the grace period
 * is recorded, and a fetch that does not is handed back to the queue, due at once.
 */
class GracefulShutdownIT {

    private static final String SHORT = "/slow/shutdown-short/1500";
    private static final String LONG = "/slow/shutdown-long/120000";

    private static final Pattern ERROR_LINE = Pattern.compile("\\bERROR\\b");
    private static final Pattern WARN_LINE = Pattern.compile("\\bWARN\\b");

    private final TargetServer target = TargetServer.get();

    @Test
    void shutdownFinishesShortFetchesAndHandsLongOnesBack() throws Exception {
        try (ScratchDatabase db = ScratchDatabase.create("shutdown");
             GatewayProcess gateway = GatewayProcess.start("graceful-shutdown", db.reactiveUrl(), Map.of(
                     "GATEWAY_FETCH_ATTEMPT_TIMEOUT", "3m",
                     "GATEWAY_RUNNER_SHUTDOWN_GRACE", "4s",
                     "QUARKUS_SHUTDOWN_DELAY", "3s",
                     "GATEWAY_CONSOLE_HEARTBEAT_INTERVAL", "1s",
                     "GATEWAY_CALLBACK_BATCH_SWEEP_INTERVAL", "1s",
                     "GATEWAY_JOBS_PURGE_INTERVAL", "1s"))) {
            List<String> ids = gateway.submitBatch(List.of(target.url(SHORT), target.url(LONG)), Map.of());
            await().atMost(Duration.ofSeconds(30)).until(() -> target.hits(SHORT) == 1 && target.hits(LONG) == 1);

            await().atMost(Duration.ofSeconds(30)).until(() -> db.number("select count(*) from instance_heartbeat") == 1);

            gateway.terminate();

            await().atMost(Duration.ofSeconds(3)).until(() -> ready(gateway) == 503);
            assertTrue(gateway.waitForExit(Duration.ofSeconds(30)), "the gateway exits within its grace period");
            assertTrue(gateway.output().contains("1 unfinished job attempt(s) handed back to the queue"), gateway.output());
            assertEquals(1, db.number("select count(*) from job where id = ? and status = 'finished'", UUID.fromString(ids.get(0))));
            assertEquals(1, db.number("select count(*) from job where id = ? and status = 'running'"
                    + " and lease_token is null and due_at <= now()", UUID.fromString(ids.get(1))));
            assertEquals(0, db.number("select count(*) from instance_heartbeat"), "the instance removed its heartbeat row");
            // The periodic sweep and purge ran until the shutdown, and the long fetch fails once handed back: none of
            // it may end in an ERROR, or in a warning about a database that is only closing.
            String output = gateway.output();
            assertFalse(ERROR_LINE.matcher(output).find(), output);
            String shutdown = output.substring(output.indexOf("shutting down: claiming stopped"));
            assertFalse(WARN_LINE.matcher(shutdown).find(), shutdown);
        }
    }

    private static int ready(GatewayProcess gateway) {
        try {
            return gateway.request().get("/q/health/ready").statusCode();
        } catch (RuntimeException notListening) {
            return -1;
        }
    }
}
