package dev.asyncgateway.faults;

import dev.asyncgateway.testsupport.CountingTarget;
import dev.asyncgateway.testsupport.GatewayProcess;
import dev.asyncgateway.testsupport.ScratchDatabase;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Three gateway processes on one database: they work in parallel, no job is ever fetched by two of
 * them at once, and the jobs a killed instance held are taken over once their lease expires.
 */
class MultiInstanceIT {

    private static final int CONCURRENCY = 10;
    private static final int INSTANCES = 3;
    private static final int SLOW_JOBS = 45;
    private static final int QUICK_JOBS = 600;
    private static final Map<String, String> SETTINGS = Map.of("GATEWAY_RUNNER_CONCURRENCY", String.valueOf(CONCURRENCY));

    @Test
    void instancesShareTheWorkNeverFetchAJobTwiceAtOnceAndTakeOverAKilledInstancesJobs() {
        try (ScratchDatabase database = ScratchDatabase.create("multi"); CountingTarget target = new CountingTarget()) {
            List<GatewayProcess> instances = startInstances(database);
            try {
                GatewayProcess victim = instances.get(0);
                List<String> slow = IntStream.range(0, SLOW_JOBS).mapToObj(i -> target.url("slow-" + i, 2000)).toList();
                List<String> quick = IntStream.range(0, QUICK_JOBS).mapToObj(i -> target.url("quick-" + i, 20)).toList();
                victim.submitBatch(slow, Map.of());

                // One instance never fetches more than CONCURRENCY jobs, so a full house means all of them work.
                await("every instance to fetch").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                        .until(() -> target.inFlight() == INSTANCES * CONCURRENCY);
                victim.kill();
                // Many short jobs for the survivors, so their claims race while they also take over the victim's.
                instances.get(1).submitBatch(quick, Map.of());

                await("every job to end").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .until(() -> database.number("select count(*) from job where status = 'running'") == 0);
                assertEquals(SLOW_JOBS + QUICK_JOBS, database.number("select count(*) from job where status = 'finished'"));
                assertEquals(1, target.maxOverlapOfAnyKey(), "a job was fetched by two instances at once");
                Set<String> takenOver = target.cutOff();
                assertFalse(takenOver.isEmpty(), "the killed instance was fetching jobs");
                takenOver.forEach(key -> assertEquals(2, target.fetches(key), key + " is fetched again exactly once"));
            } finally {
                instances.forEach(GatewayProcess::close);
            }
        }
    }

    private static List<GatewayProcess> startInstances(ScratchDatabase database) {
        List<CompletableFuture<GatewayProcess>> starting = IntStream.range(0, INSTANCES)
                .mapToObj(i -> CompletableFuture.supplyAsync(() ->
                        GatewayProcess.start("multi-" + i, database.reactiveUrl(), SETTINGS)))
                .toList();
        return starting.stream().map(CompletableFuture::join).toList();
    }
}
