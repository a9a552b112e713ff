package dev.asyncgateway.queue;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.Jobs;
import dev.asyncgateway.testsupport.TargetServer;
import dev.asyncgateway.testsupport.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * With the fallback poll an hour away, only wake-ups can explain a job running promptly; with a two
 * second lease, only lease renewal can explain a slow fetch not being started twice.
 */
@QuarkusTest
@TestProfile(WakeUpAndRetentionTest.Profile.class)
public class WakeUpAndRetentionTest {

    public static class Profile implements QuarkusTestProfile {
        /** Few enough to fill with a handful of slow jobs (see StartWithoutClaimTest). */
        public static final int FETCH_SLOTS = 4;
        /** Under the slots, so that an account's cap, not the slots, can hold its jobs back. */
        public static final int ACCOUNT_CAP = 3;

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "gateway.runner.poll-interval", "1h",
                    "gateway.runner.concurrency", String.valueOf(FETCH_SLOTS),
                    "gateway.runner.account-max-in-flight", String.valueOf(ACCOUNT_CAP),
                    "gateway.runner.lease", "2s",
                    "gateway.fetch.attempt-timeout", "10s",
                    "gateway.jobs.retention", "2s",
                    "gateway.jobs.purge-interval", "1s");
        }
    }

    private final TargetServer target = TargetServer.get();

    @Inject
    WakeUpSignal wakeUp;

    @Test
    void aSubmittedJobRunsAtOnceWithoutWaitingForThePoll() {
        String id = Api.submitJob(Map.of("apiKey", "test-key", "url", target.url("/ok")));
        await().atMost(Duration.ofSeconds(5)).until(() -> Api.status(id).equals("finished"));
    }

    @Test
    void aJobAddedByAnotherInstanceRunsOnItsNotification() throws Exception {
        String id = Jobs.insertDue("test-key", target.url("/ok"), null);
        try (Connection db = TestDatabase.connect()) {
            db.createStatement().execute("NOTIFY gateway_jobs_due");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> Api.status(id).equals("finished"));
    }

    @Test
    void notificationsNameTheirSenderAndAnInstanceIsNotWokenByItsOwn() throws Exception {
        try (Connection db = TestDatabase.connect()) {
            db.createStatement().execute("LISTEN gateway_jobs_due");
            wakeUp.jobsAdded();
            List<String> senders = new ArrayList<>();
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                PGNotification[] arrived = db.unwrap(PGConnection.class).getNotifications(100);
                for (PGNotification notification : arrived == null ? new PGNotification[0] : arrived) {
                    senders.add(notification.getParameter());
                }
                return senders.contains(wakeUp.instanceId());
            });
        }
        AtomicInteger wakes = new AtomicInteger();
        wakeUp.onSignal(WakeUpSignal.JOBS, wakes::incrementAndGet);
        wakeUp.received(WakeUpSignal.JOBS, wakeUp.instanceId());
        wakeUp.received(WakeUpSignal.JOBS, "another-instance");
        assertThat("only the other instance's notification wakes the job runner", wakes.get(), equalTo(1));
    }

    @Test
    void aFetchLongerThanTheLeaseKeepsItsJob() {
        String key = UUID.randomUUID().toString();
        String path = "/slow/" + key + "/4500";
        String id = Api.submitJob(Map.of("apiKey", "test-key", "url", target.url(path)));
        await().atMost(Duration.ofSeconds(10)).until(() -> Api.status(id).equals("finished"));
        assertThat("fetched once, not re-claimed when the first lease ran out", target.hits(path), equalTo(1));
        Api.job(id).body("attempts", equalTo(1));
    }

    @Test
    void endedJobsArePurgedAfterTheRetentionPeriod() {
        String id = Api.submitJob(Map.of("apiKey", "test-key", "url", target.url("/ok")));
        await().atMost(Duration.ofSeconds(5)).until(() -> Api.status(id).equals("finished"));
        await().atMost(Duration.ofSeconds(10)).until(() -> Api.job(id).extract().statusCode() == 404);
    }

    @Test
    void aBatchIsPurgedOnceRetentionHasRemovedItsJobs() {
        String batchId = given().contentType(ContentType.JSON)
                .body(Map.of("apiKey", "test-key", "urls", List.of(target.url("/ok"), target.url("/ok"))))
                .post("/batchjobs").then().statusCode(200).extract().path("[0].batchId");
        await().atMost(Duration.ofSeconds(5)).until(() -> given().get("/batchjobs/" + batchId).then().extract()
                .<Integer>path("counts.finished") == 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> given().get("/batchjobs/" + batchId).then().extract()
                .statusCode() == 404);
    }
}
