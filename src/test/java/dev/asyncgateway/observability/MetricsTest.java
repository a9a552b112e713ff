package dev.asyncgateway.observability;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.Metrics;
import dev.asyncgateway.testsupport.TargetServer;
import dev.asyncgateway.testsupport.TestDatabase;
import dev.asyncgateway.testsupport.WebhookReceiver;
import dev.asyncgateway.testsupport.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class MetricsTest {

    private final TargetServer target = TargetServer.get();

    @Test
    void submittedFinishedAndFailedJobsAndFetchAttemptsAreCounted() {
        double submitted = Metrics.value("gateway_jobs_submitted_total");
        double finished = Metrics.value("gateway_jobs_finished_total");
        double tooLarge = Metrics.value("gateway_jobs_failed_total{reason=\"response_too_large\"}");
        double answered = Metrics.value("gateway_fetch_attempts_seconds_count{outcome=\"2xx\"}");
        String key = Api.newAccount();

        String ok = Api.submitJob(Map.of("apiKey", key, "url", target.url("/ok")));
        String big = Api.submitJob(Map.of("apiKey", key, "url", target.url("/big/2000000")));
        await().atMost(Duration.ofSeconds(10)).until(() -> !Api.status(ok).equals("running") && !Api.status(big).equals("running"));

        assertEquals(submitted + 2, Metrics.value("gateway_jobs_submitted_total"));
        assertTrue(Metrics.value("gateway_jobs_finished_total") >= finished + 1);
        assertTrue(Metrics.value("gateway_jobs_failed_total{reason=\"response_too_large\"}") >= tooLarge + 1);
        assertTrue(Metrics.value("gateway_fetch_attempts_seconds_count{outcome=\"2xx\"}") >= answered + 1);
        assertTrue(Metrics.value("gateway_fetch_attempts_seconds_bucket{outcome=\"2xx\",le=\"60.0\"}") >= answered + 1);
    }

    @Test
    void callbackAttemptsAreCountedByOutcome() {
        double delivered = Metrics.value("gateway_callback_attempts_seconds_count{outcome=\"delivered\"}");
        WebhookReceiver receiver = WebhookReceiver.shared();
        String path = WebhookReceiver.newPath();
        Webhooks.submitJob(Webhooks.newAccount().apiKey(), Map.of("callback", Webhooks.callback(receiver.url(path))));

        receiver.awaitRequests(path, 1);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> Metrics.value("gateway_callback_attempts_seconds_count{outcome=\"delivered\"}") >= delivered + 1);
    }

    @Test
    void inFlightGaugeCountsFetchesRunningOnThisInstance() {
        String id = Api.submitJob(Map.of("apiKey", Api.newAccount(), "url", target.url("/slow/inflight-gauge/1500")));

        await().atMost(Duration.ofSeconds(5)).until(() -> Metrics.value("gateway_jobs_inflight") >= 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> Api.status(id).equals("finished"));
    }

    /**
     * A job and a delivery that are due but locked by this test: claims skip locked rows, so they stay
     * due, while the gauges (plain reads) see them and their growing age.
     */
    @Test
    void queueGaugesShowDueWorkAndTheAgeOfTheOldest() throws Exception {
        try (Connection setup = TestDatabase.connect(); Connection locker = TestDatabase.connect()) {
            UUID account = UUID.randomUUID();
            UUID job = UUID.randomUUID();
            UUID delivery = UUID.randomUUID();
            try (Statement insert = setup.createStatement()) {
                insert.execute("insert into account (id, name, api_key_hash, webhook_secret) values ('" + account
                        + "', 'gauges', decode(md5('" + account + "'), 'hex'), 's')");
                // Due only in a second, so this test holds the locks before any claim could see the rows.
                insert.execute("insert into job (id, account_id, status_url, url, deadline_at, due_at) values ('" + job + "', '"
                        + account + "', 'http://x/" + job + "', 'http://127.0.0.1:9/', now() + interval '1 hour', now() + interval '1 second')");
                insert.execute("insert into delivery (id, account_id, kind, url, max_attempts, due_at) values ('" + delivery
                        + "', '" + account + "', 'callback', 'http://127.0.0.1:9/', 3, now() + interval '1 second')");
            }
            locker.setAutoCommit(false);
            lock(locker, "select 1 from job where id = ? for update", job);
            lock(locker, "select 1 from delivery where id = ? for update", delivery);

            await().atMost(Duration.ofSeconds(10)).until(() -> Metrics.value("gateway_jobs_oldest_due_age_seconds") > 0.5
                    && Metrics.value("gateway_deliveries_oldest_due_age_seconds") > 0.5);
            assertTrue(Metrics.value("gateway_jobs_due") >= 1);
            assertTrue(Metrics.value("gateway_jobs_queued") >= 1);
            assertTrue(Metrics.value("gateway_deliveries_due") >= 1);
            assertTrue(Metrics.value("gateway_deliveries_queued") >= 1);

            try (Statement cleanup = locker.createStatement()) {
                cleanup.execute("delete from account where id = '" + account + "'");
            }
            locker.commit();
        }
    }

    private static void lock(Connection connection, String sql, UUID id) throws Exception {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, id);
            statement.executeQuery().close();
        }
    }
}
