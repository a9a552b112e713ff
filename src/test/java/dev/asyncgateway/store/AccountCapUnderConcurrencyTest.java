package dev.asyncgateway.store;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.Jobs;
import dev.asyncgateway.testsupport.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

/**
 * The per-account in-flight cap holds across instances: claims (and jobs stored leased) that run at the same time,
 * each in its own transaction as on separate instances, never lease more of one account's jobs than the cap.
 * The runner is off; the test plays the instances.
 */
@QuarkusTest
@TestProfile(ClaimTest.RunnerOff.class)
class AccountCapUnderConcurrencyTest {

    private static final int CAP = 3;
    private static final int INSTANCES = 4;
    private static final Duration LEASE = Duration.ofMinutes(1);
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    JobStore store;

    private final List<UUID> accounts = new ArrayList<>();

    @AfterEach
    void removeOwnJobs() {
        accounts.forEach(account -> Jobs.execute("delete from job where account_id = ?", account));
    }

    /**
     * Each instance's claim runs while the others' transactions are still open, the way claims of several instances
     * overlap: none may count on the others' leases being committed before it looks.
     */
    @Test
    void claimsWhoseTransactionsOverlapNeverLeaseMoreThanTheCap() throws Exception {
        UUID account = accountWithDueJobs(40);
        List<Connection> instances = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(INSTANCES);
        try {
            List<Future<?>> claims = new ArrayList<>();
            for (int i = 0; i < INSTANCES; i++) {
                Connection instance = openInstance();
                instances.add(instance);
                int backend = backendPid(instance);
                Future<?> claim = threads.submit(() -> claim(instance));
                claims.add(claim);
                // it has claimed, or waits for a lock an open claim holds: either way it looked before they committed
                await().atMost(WAIT).until(() -> claim.isDone() || waitsForLock(backend));
            }
            for (int i = 0; i < INSTANCES; i++) {
                claims.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                instances.get(i).commit();
            }
        } finally {
            threads.shutdownNow();
            for (Connection instance : instances) {
                instance.close();
            }
        }
        assertThat(leased(account), equalTo((long) CAP));
    }

    /** The same, as the gateway runs it: many claims at once, each its own statement on its own connection. */
    @Test
    void manyClaimsAtOnceNeverLeaseMoreThanTheCap() {
        UUID account = accountWithDueJobs(100);
        for (int round = 0; round < 5; round++) {
            List<Uni<ClaimedJobs>> claims = new ArrayList<>();
            for (int i = 0; i < 4 * INSTANCES; i++) {
                claims.add(store.claim(100, LEASE, UUID.randomUUID(), CAP));
            }
            Uni.join().all(claims).andFailFast().await().atMost(WAIT);
            assertThat("round " + round, leased(account), lessThanOrEqualTo((long) CAP));
            Jobs.execute("update job set lease_token = null, due_at = now() where account_id = ?", account);
        }
    }

    /** A job stored already leased counts the leases of a claim that has not committed yet. */
    @Test
    void aJobStoredLeasedWhileAnotherInstanceClaimsStillRespectsTheCap() throws Exception {
        UUID account = accountWithDueJobs(10);
        try (Connection instance = openInstance()) {
            claim(instance);
            CompletableFuture<List<JobRow>> stored = store.insertSingles(List.of(leasedJob(account)), LEASE, CAP)
                    .subscribeAsCompletionStage();
            await().atMost(WAIT).until(() -> stored.isDone() || anotherBackendWaitsForLock(instance));
            instance.commit();

            assertThat("the claim took the whole cap", stored.get(WAIT.toSeconds(), TimeUnit.SECONDS), empty());
        }
        assertThat(leased(account), equalTo((long) CAP));
    }

    private UUID accountWithDueJobs(int n) {
        String key = Api.newAccount();
        List<String> urls = IntStream.range(0, n).mapToObj(i -> "http://127.0.0.1:1/capped/" + i).toList();
        given().contentType(ContentType.JSON).body(Map.of("apiKey", key, "urls", urls)).post("/batchjobs")
                .then().statusCode(200);
        UUID account = Jobs.accountId(key);
        accounts.add(account);
        return account;
    }

    /** A connection playing one instance: its claims stay uncommitted until the test commits them. */
    private static Connection openInstance() throws SQLException {
        Connection instance = TestDatabase.connect();
        try (Statement prepare = instance.createStatement()) {
            prepare.execute("prepare claim_as_instance (int, float8, uuid, int) as " + JobStore.CLAIM);
        }
        instance.setAutoCommit(false);
        return instance;
    }

    /** The gateway's claim statement, as an instance runs it. */
    private static Void claim(Connection instance) throws SQLException {
        try (Statement claim = instance.createStatement()) {
            claim.execute("execute claim_as_instance (100, " + LEASE.toSeconds() + ", '" + UUID.randomUUID() + "', " + CAP + ")");
        }
        return null;
    }

    private static int backendPid(Connection connection) throws SQLException {
        try (Statement select = connection.createStatement(); ResultSet row = select.executeQuery("select pg_backend_pid()")) {
            row.next();
            return row.getInt(1);
        }
    }

    private static boolean waitsForLock(int backend) {
        return Jobs.count("select count(*) from pg_stat_activity where pid = ? and wait_event_type = 'Lock'", backend) > 0;
    }

    private static boolean anotherBackendWaitsForLock(Connection instance) throws SQLException {
        return Jobs.count("select count(*) from pg_stat_activity where datname = current_database() and pid <> ?"
                + " and wait_event_type = 'Lock'", backendPid(instance)) > 0;
    }

    private static long leased(UUID account) {
        return Jobs.count("select count(*) from job where account_id = ? and status = 'running'"
                + " and lease_token is not null and due_at > now()", account);
    }

    private static NewJob leasedJob(UUID account) {
        UUID id = UUID.randomUUID();
        JobRequest request = new JobRequest(List.of("http://127.0.0.1:1/leased/" + id), "GET", Map.of(), null,
                ApiParams.DEFAULTS, null, null, false, 60, "{}", List.of());
        return new NewJob(id, account, "http://localhost/jobs/" + id, request, "{}", "{}", null, UUID.randomUUID(), null);
    }
}
