package dev.asyncgateway.faults;

import dev.asyncgateway.testsupport.CountingTarget;
import dev.asyncgateway.testsupport.GatewayProcess;
import dev.asyncgateway.testsupport.ScratchDatabase;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kill -9} of the gateway with thousands of jobs queued and in flight, then a restart: every
 * accepted job still ends, the ones the dead instance was fetching are fetched again once their
 * lease expires, and none is lost.
 */
class CrashRecoveryIT {

    private static final int BATCHES = 4;
    private static final int BATCH_SIZE = 500;
    private static final int JOBS = BATCHES * BATCH_SIZE;
    private static final long TARGET_DELAY_MS = 200;
    private static final Map<String, String> SETTINGS = Map.of("GATEWAY_RUNNER_CONCURRENCY", "64");

    @Test
    void everyAcceptedJobEndsAfterTheGatewayIsKilledMidRunAndRestarted() {
        try (ScratchDatabase database = ScratchDatabase.create("crash"); CountingTarget target = new CountingTarget()) {
            List<String> accepted = new ArrayList<>();
            try (GatewayProcess first = GatewayProcess.start("crash-first", database.reactiveUrl(), SETTINGS)) {
                for (int batch = 0; batch < BATCHES; batch++) {
                    accepted.addAll(first.submitBatch(urls(target, batch), Map.of()));
                }
                await("some jobs to end before the crash").atMost(Duration.ofSeconds(60))
                        .until(() -> ended(database) >= JOBS / 10);
                first.kill();
            }

            long leasedByTheDead = database.number("select count(*) from job where status = 'running' and lease_token is not null");
            assertTrue(leasedByTheDead > 0, "the kill must catch jobs in flight");
            assertTrue(ended(database) < JOBS, "the kill must leave jobs unfinished");

            try (GatewayProcess second = GatewayProcess.start("crash-second", database.reactiveUrl(), SETTINGS)) {
                await("every job to end after the restart").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .until(() -> ended(database) == JOBS);
            }

            assertEquals(JOBS, accepted.size());
            UUID[] ids = accepted.stream().map(UUID::fromString).toArray(UUID[]::new);
            assertEquals(JOBS, database.number("select count(*) from job where id = any(?) and status = 'finished'", (Object) ids),
                    "every accepted job finished");
            Set<String> cutOff = target.cutOff();
            assertFalse(cutOff.isEmpty(), "the kill cut fetches off");
            cutOff.forEach(key -> assertTrue(target.fetches(key) >= 2, key + " was fetched again after the crash"));
        }
    }

    private static List<String> urls(CountingTarget target, int batch) {
        return IntStream.range(batch * BATCH_SIZE, (batch + 1) * BATCH_SIZE)
                .mapToObj(i -> target.url("crash-" + i, TARGET_DELAY_MS)).toList();
    }

    private static long ended(ScratchDatabase database) {
        return database.number("select count(*) from job where status <> 'running'");
    }
}
