package dev.asyncgateway.store;

import dev.asyncgateway.store.ConsoleStore.StatsBucket;
import dev.asyncgateway.store.ConsoleStore.StatsSeries;
import dev.asyncgateway.testsupport.Jobs;
import dev.asyncgateway.testsupport.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The overview's latencies are true percentiles: of the jobs that ended in each bucket, and of every job that ended
 * in the window (not the worst bucket's). Known latencies are stored directly, already ended.
 */
@QuarkusTest
class ConsoleStoreTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Duration HOUR = Duration.ofHours(1);
    private static final double EXACT = 1e-6;

    @Inject
    ConsoleStore store;

    @Test
    void windowLatencyIsThePercentileOfEveryJobThatEndedInIt() {
        UUID account = Jobs.accountId(Webhooks.newAccount().apiKey());
        // One slow job in one minute, nine fast ones (1 s to 9 s) in another.
        endedJobs(account, Duration.ofMinutes(10), 100);
        endedJobs(account, Duration.ofMinutes(5), 1, 2, 3, 4, 5, 6, 7, 8, 9);
        // Ended before the window: counted nowhere.
        endedJobs(account, Duration.ofHours(2), 1000);

        StatsSeries series = store.series(account, MINUTE, HOUR).await().atMost(Duration.ofSeconds(30));

        // Of 1..9 and 100: the median lies between 5 and 6; the 95th, 55 % of the way from 9 to 100.
        assertEquals(5.5, series.p50Seconds(), EXACT);
        assertEquals(59.05, series.p95Seconds(), EXACT);
        List<StatsBucket> ended = series.buckets().stream().filter(b -> b.ended() > 0).toList();
        assertEquals(2, ended.size(), "two minutes with ended jobs");
        assertEquals(100, ended.get(0).p50Seconds(), EXACT);
        assertEquals(100, ended.get(0).p95Seconds(), EXACT);
        assertEquals(5, ended.get(1).p50Seconds(), EXACT);
        assertEquals(8.6, ended.get(1).p95Seconds(), EXACT);
        assertEquals(10, series.buckets().stream().mapToLong(StatsBucket::ended).sum());
    }

    @Test
    void windowWithoutEndedJobsHasNoLatency() {
        UUID account = Jobs.accountId(Webhooks.newAccount().apiKey());
        endedJobs(account, Duration.ofHours(2), 3);

        StatsSeries series = store.series(account, MINUTE, HOUR).await().atMost(Duration.ofSeconds(30));

        assertNull(series.p50Seconds());
        assertNull(series.p95Seconds());
    }

    /** Jobs that ended at the start of the minute {@code ago} before this one, so all in one bucket. */
    private static void endedJobs(UUID account, Duration ago, int... seconds) {
        Jobs.insertEnded(account, OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).minus(ago), seconds);
    }
}
