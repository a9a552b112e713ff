package dev.asyncgateway.store;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.Jobs;
import dev.asyncgateway.testsupport.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

/**
 * The queue itself, with this instance's runner switched off so the test plays the workers:
 * claims never hand one job to two workers, and a crashed worker's jobs come back after the lease.
 */
@QuarkusTest
@TestProfile(ClaimTest.RunnerOff.class)
class ClaimTest {

    public static class RunnerOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.runner.enabled", "false");
        }
    }

    @Inject
    JobStore store;

    private String submitBatch(int n) {
        List<String> urls = IntStream.range(0, n).mapToObj(i -> "http://127.0.0.1:1/claim/" + i).toList();
        return given().contentType(ContentType.JSON).body(Map.of("apiKey", Api.newAccount(), "urls", urls))
                .post("/batchjobs").then().statusCode(200).extract().path("[0].batchId");
    }

    /** Claims only among this test's batch, so other tests' leftovers cannot interfere. */
    private List<JobRow> claimOwn(String batchId, UUID worker, Duration lease) {
        List<JobRow> claimed = store.claim(1000, lease, worker, Integer.MAX_VALUE).await().atMost(Duration.ofSeconds(10)).jobs();
        return claimed.stream().filter(j -> batchId.equals(String.valueOf(j.batchId()))).toList();
    }

    @Test
    void anAcceptedJobIsCommittedBeforeTheAnswer() throws Exception {
        String id = Api.submitJob(Map.of("apiKey", Api.newAccount(), "url", "http://127.0.0.1:1/durable"));
        try (Connection db = TestDatabase.connect();
             ResultSet row = db.createStatement().executeQuery("select status, attempts from job where id = '" + id + "'")) {
            assertThat(row.next(), is(true));
            assertThat(row.getString("status"), equalTo("running"));
            assertThat(row.getInt("attempts"), equalTo(0));
        }
    }

    @Test
    void workersRacingForTheSameJobsNeverGetTheSameJob() {
        String batchId = submitBatch(300);
        List<Uni<List<JobRow>>> claims = new ArrayList<>();
        for (int worker = 0; worker < 8; worker++) {
            claims.add(store.claim(25, Duration.ofMinutes(1), UUID.randomUUID(), Integer.MAX_VALUE).map(ClaimedJobs::jobs));
        }
        List<JobRow> all = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            List<List<JobRow>> results = Uni.join().all(claims).andFailFast().await().atMost(Duration.ofSeconds(10));
            results.forEach(all::addAll);
        }
        List<JobRow> ours = all.stream().filter(j -> batchId.equals(String.valueOf(j.batchId()))).toList();
        Set<UUID> distinct = new HashSet<>();
        ours.forEach(job -> distinct.add(job.id()));
        assertThat("every claimed job went to exactly one worker", distinct.size(), equalTo(ours.size()));
        assertThat(ours.size(), equalTo(300));
    }

    @Test
    void aCrashedWorkersJobsComeBackWhenTheLeaseExpiresAndItsLateResultIsIgnored() {
        String batchId = submitBatch(3);
        UUID crashed = UUID.randomUUID();
        List<JobRow> first = claimOwn(batchId, crashed, Duration.ofMillis(500));
        assertThat(first, hasSize(3));
        assertThat("leased jobs are not claimable", claimOwn(batchId, UUID.randomUUID(), Duration.ofMinutes(1)), empty());

        UUID successor = UUID.randomUUID();
        List<JobRow> second = new ArrayList<>();
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            second.addAll(claimOwn(batchId, successor, Duration.ofMinutes(1)));
            return second.size() == 3;
        });
        assertThat(second.get(0).attempts(), equalTo(2));

        List<JobOutcome> late = first.stream().map(j -> JobOutcome.finished(j.id(), crashed, "{\"statusCode\":200}")).toList();
        assertThat("the crashed worker's late answer changes nothing", store.complete(late, 3, Duration.ofMinutes(1), 20).await().atMost(Duration.ofSeconds(5)), empty());
        List<JobOutcome> current = second.stream().map(j -> JobOutcome.finished(j.id(), successor, "{\"statusCode\":200}")).toList();
        assertThat(store.complete(current, 3, Duration.ofMinutes(1), 20).await().atMost(Duration.ofSeconds(5)), hasSize(3));
    }

    /** A completion holds the rows it completes; renewal skips them instead of waiting (and deadlocking). */
    @Test
    void renewingLeasesSkipsJobsAnotherStatementHolds() throws Exception {
        String batchId = submitBatch(2);
        UUID worker = UUID.randomUUID();
        List<JobRow> held = claimOwn(batchId, worker, Duration.ofMinutes(1));
        assertThat(held, hasSize(2));
        JobRow locked = held.get(0);
        JobRow free = held.get(1);
        try (Connection db = TestDatabase.connect()) {
            db.setAutoCommit(false);
            db.createStatement().execute("select id from job where id = '" + locked.id() + "' for update");

            store.renewLeases(List.of(locked.id(), free.id()), List.of(worker, worker), Duration.ofHours(1))
                    .await().atMost(Duration.ofSeconds(5));

            db.rollback();
        }
        Map<String, Map<String, Object>> rows = Jobs.rows(List.of(locked.id().toString(), free.id().toString()));
        assertThat("renewed", ((Timestamp) rows.get(free.id().toString()).get("due_at")).toInstant()
                .isAfter(Instant.now().plus(Duration.ofMinutes(30))), is(true));
        assertThat("skipped", ((Timestamp) rows.get(locked.id().toString()).get("due_at")).toInstant()
                .isBefore(Instant.now().plus(Duration.ofMinutes(2))), is(true));
    }
}
