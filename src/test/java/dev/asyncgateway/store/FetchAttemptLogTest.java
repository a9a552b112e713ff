package dev.asyncgateway.store;

import dev.asyncgateway.testsupport.Webhooks;
import dev.asyncgateway.testsupport.Webhooks.TestAccount;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The completion statement appends each attempt to its job's timeline and keeps only the latest. */
@QuarkusTest
class FetchAttemptLogTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    /** Retries far in the future, and a deadline further still: no poller of this instance claims the test's jobs. */
    private static final Duration LATER = Duration.ofMinutes(30);

    @Inject
    JobStore jobs;

    @Inject
    ConsoleStore console;

    @Test
    void eachOutcomeAppendsItsAttemptAndTheOldestFallOffPastTheBound() throws SQLException {
        UUID job = UUID.randomUUID();
        insertJob(job, Webhooks.newAccount());
        Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        complete(JobOutcome.retry(job, lease(job), LATER),
                FetchAttempt.of(start, 12, null, "connection_refused", false, "http://proxy.example:3128"));
        complete(JobOutcome.retry(job, lease(job), LATER), FetchAttempt.of(start.plusSeconds(1), 34, 503, null, false, null));
        List<FetchAttempt> two = console.fetchAttempts(job).await().atMost(WAIT);
        assertThat(two, contains(
                new FetchAttempt(start, 12, null, "connection_refused", false, "http://proxy.example:3128"),
                new FetchAttempt(start.plusSeconds(1), 34, 503, null, false, null)));

        complete(JobOutcome.finished(job, lease(job), "{\"statusCode\":200}"),
                FetchAttempt.of(start.plusSeconds(2), 56, 200, null, true, null));
        List<FetchAttempt> kept = console.fetchAttempts(job).await().atMost(WAIT);
        assertThat("only the last two are kept, oldest first", kept.stream().map(FetchAttempt::statusCode).toList(),
                contains(503, 200));
        assertThat(kept.get(1).rendered(), equalTo(true));
    }

    @Test
    void anOutcomeWithoutAFetchLeavesTheTimelineAsItIs() throws SQLException {
        UUID job = UUID.randomUUID();
        insertJob(job, Webhooks.newAccount());
        complete(JobOutcome.failed(job, lease(job), "failed_due_to_timeout"), null);
        assertThat(console.fetchAttempts(job).await().atMost(WAIT), empty());
        assertThat(console.fetchAttempts(UUID.randomUUID()).await().atMost(WAIT), empty());
    }

    @Test
    void aPeersControlCharactersAreCleanedBeforeTheyAreStored() throws SQLException {
        UUID job = UUID.randomUUID();
        insertJob(job, Webhooks.newAccount());
        complete(JobOutcome.retry(job, lease(job), LATER),
                FetchAttempt.of(Instant.now(), 1, null, "bad\u0000kind\nsplit", false, null));
        List<FetchAttempt> kept = console.fetchAttempts(job).await().atMost(WAIT);
        assertThat(kept, hasSize(1));
        assertEquals("bad\uFFFDkind split", kept.get(0).errorKind());
    }

    private void complete(JobOutcome outcome, FetchAttempt attempt) {
        assertThat(jobs.complete(List.of(outcome.withAttempt(attempt)), 3, Duration.ofMinutes(1), 2)
                .await().atMost(WAIT), hasSize(1));
    }

    /** Leases the job to this test as a claim would (not due, so no poller takes it); returns the token. */
    private static UUID lease(UUID job) throws SQLException {
        UUID token = UUID.randomUUID();
        Webhooks.execute("update job set lease_token = ?, attempts = attempts + 1, due_at = now() + interval '1 hour' where id = ?",
                token, job);
        return token;
    }

    private static void insertJob(UUID id, TestAccount account) throws SQLException {
        Webhooks.execute("""
                insert into job (id, account_id, status_url, url, deadline_at, due_at)
                values (?, ?::uuid, 'http://localhost/jobs/' || ?, 'http://127.0.0.1:9/', now() + interval '1 hour',
                        now() + interval '1 hour')""", id, account.id(), id.toString());
    }
}
