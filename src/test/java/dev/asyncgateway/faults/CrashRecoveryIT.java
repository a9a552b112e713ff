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
 * {@code kill -9} of the gateway with thousands of jobs and callbacks queued and in flight, then a
 * restart: every accepted job still ends, the ones the dead instance was fetching are fetched again
 * once their lease expires, every callback is delivered at least once (copies only under the same
 * {@code webhook-id}) and no delivery takes more than three attempts.
 */
class CrashRecoveryIT {

    private static final int BATCHES = 4;
    private static final int BATCH_SIZE = 500;
    private static final int JOBS = BATCHES * BATCH_SIZE;
    private static final long TARGET_DELAY_MS = 200;
    private static final long RECEIVER_DELAY_MS = 50;
    private static final Map<String, String> SETTINGS = Map.of("GATEWAY_RUNNER_CONCURRENCY", "64");

    @Test
    void everyAcceptedJobEndsAfterTheGatewayIsKilledMidRunAndRestarted() {
        try (ScratchDatabase database = ScratchDatabase.create("crash"); CountingTarget target = new CountingTarget()) {
            List<String> accepted = new ArrayList<>();
            try (GatewayProcess first = GatewayProcess.start("crash-first", database.reactiveUrl(), SETTINGS)) {
                for (int batch = 0; batch < BATCHES; batch++) {
                    accepted.addAll(first.submitBatch(urls(target, batch),
                            Map.of("callback", Map.of("type", "webhook", "url", target.hookUrl(RECEIVER_DELAY_MS)))));
                }
                await("some jobs to end before the crash").atMost(Duration.ofSeconds(60))
                        .until(() -> ended(database) >= JOBS / 10);
                first.kill();
            }

            long leasedByTheDead = database.number("select count(*) from job where status = 'running' and lease_token is not null");
            assertTrue(leasedByTheDead > 0, "the kill must catch jobs in flight");
            assertTrue(ended(database) < JOBS, "the kill must leave jobs unfinished");
            assertTrue(database.number("select count(*) from delivery where status = 'pending'") > 0,
                    "the kill must leave callbacks undelivered");

            try (GatewayProcess second = GatewayProcess.start("crash-second", database.reactiveUrl(), SETTINGS)) {
                await("every job to end after the restart").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .until(() -> ended(database) == JOBS);
                await("every callback to be delivered").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .until(() -> database.number("select count(*) from delivery where status <> 'pending'") == JOBS);
            }

            assertEquals(JOBS, accepted.size());
            UUID[] ids = accepted.stream().map(UUID::fromString).toArray(UUID[]::new);
            assertEquals(JOBS, database.number("select count(*) from job where id = any(?) and status = 'finished'", (Object) ids),
                    "every accepted job finished");
            // Every claim counts an attempt and this target never fails, so a second attempt means a take-over.
            assertTrue(database.number("select count(*) from job where attempts >= 2") >= leasedByTheDead,
                    "the jobs the dead instance held were fetched again");
            target.cutOff().forEach(key -> assertTrue(target.fetches(key) >= 2, key + " was fetched again after the crash"));
            assertCallbacksDeliveredAtLeastOnceWithinThreeAttempts(database, target, accepted);
        }
    }

    private static void assertCallbacksDeliveredAtLeastOnceWithinThreeAttempts(ScratchDatabase database, CountingTarget receiver,
                                                                                 List<String> jobIds) {
        assertEquals(JOBS, database.number("select count(*) from delivery where kind = 'callback' and status = 'delivered'"));
        assertTrue(database.number("select max(attempts) from delivery") <= 3, "a delivery took more than 3 attempts");
        assertEquals(0, database.number("""
                select count(*) from (select delivery_id from delivery_attempt
                                      group by delivery_id having count(*) > 3 or max(attempt) > 3) t"""));
        Map<String, List<String>> webhookIds = receiver.webhookIdsByJob();
        for (String jobId : jobIds) {
            List<String> copies = webhookIds.getOrDefault(jobId, List.of());
            assertFalse(copies.isEmpty(), "no callback for job " + jobId);
            assertEquals(1, Set.copyOf(copies).size(), "copies of one callback under different webhook-ids: " + copies);
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
