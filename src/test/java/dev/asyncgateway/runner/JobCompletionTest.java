package dev.asyncgateway.runner;

import dev.asyncgateway.store.JobOutcome;
import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.WebhookReceiver;
import dev.asyncgateway.testsupport.Webhooks.TestAccount;
import dev.asyncgateway.testsupport.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** What becomes of a job whose outcome the database refuses. */
@QuarkusTest
class JobCompletionTest {

    private final WebhookReceiver receiver = WebhookReceiver.shared();

    @Inject
    JobCompletion completion;

    @Test
    void aResultTheDatabaseRefusesEndsItsJobFailedWithItsReportWhileItsNeighbourFinishes() throws Exception {
        TestAccount account = Webhooks.newAccount();
        String reports = WebhookReceiver.newPath();
        UUID poisonedJob = UUID.randomUUID();
        UUID poisonedLease = leasedJob(poisonedJob, account, receiver.url(reports));
        UUID healthyJob = UUID.randomUUID();
        UUID healthyLease = leasedJob(healthyJob, account, null);

        // A raw NUL, which no text column takes (the renderer never makes one: this stands for any unstorable result).
        CompletableFuture<Void> poisoned = completion.record(JobOutcome.finished(poisonedJob, poisonedLease,
                "{\"body\":\"a\u0000b\"}")).subscribeAsCompletionStage();
        CompletableFuture<Void> healthy = completion.record(JobOutcome.finished(healthyJob, healthyLease,
                "{\"body\":\"ok\"}")).subscribeAsCompletionStage();
        poisoned.get(10, TimeUnit.SECONDS);
        healthy.get(10, TimeUnit.SECONDS);

        Api.job(poisonedJob.toString()).body("status", equalTo("failed")).body("failReason", equalTo("result_not_storable"));
        assertEquals(0, Webhooks.count("select count(*) from job where id = ? and lease_token is not null", poisonedJob),
                "its lease is released");
        Api.job(healthyJob.toString()).body("status", equalTo("finished")).body("response.body", equalTo("ok"));
        String report = receiver.awaitRequests(reports, 1).get(0).body();
        assertThat(report, containsString("result_not_storable"));
    }

    /** A job as a claim leaves it, leased to this test (not due, so no poller takes it); returns the lease token. */
    private static UUID leasedJob(UUID id, TestAccount account, String callbackUrl) throws SQLException {
        UUID lease = UUID.randomUUID();
        Webhooks.execute("""
                insert into job (id, account_id, status_url, url, callback_url, expect_unsuccess_report, attempts,
                                 deadline_at, due_at, lease_token)
                values (?, ?::uuid, 'http://localhost/jobs/' || ?, 'http://127.0.0.1:9/', ?, true, 1,
                        now() + interval '1 minute', now() + interval '1 minute', ?)""",
                id, account.id(), id.toString(), callbackUrl, lease);
        return lease;
    }
}
