package dev.asyncgateway.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.asyncgateway.callback.DeliveryClaimLoop;
import dev.asyncgateway.queue.WakeUpAndRetentionTest;
import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.Jobs;
import dev.asyncgateway.testsupport.Metrics;
import dev.asyncgateway.testsupport.TargetServer;
import dev.asyncgateway.testsupport.TestDatabase;
import dev.asyncgateway.testsupport.WebhookReceiver.Answer;
import dev.asyncgateway.testsupport.WebhookReceiver.Received;
import dev.asyncgateway.testsupport.WebhookReceiver;
import dev.asyncgateway.testsupport.Webhooks.TestAccount;
import dev.asyncgateway.testsupport.Webhooks;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

/**
 * A job submitted while the runner has a free slot is stored leased and starts without a claim, and so is
 * the callback of a job that ends while the delivery workers have one. A slot is free again as soon as its
 * fetch or callback is over, while the outcome is still being stored: tests hold that storing back with
 * locks and watch the next row start meanwhile. A slot reserved for a submission whose client hangs up comes back
 * exactly once. With the fallback poll an hour away (the profile), nothing else starts claims behind the tests' backs.
 */
@QuarkusTest
@TestProfile(WakeUpAndRetentionTest.Profile.class)
class StartWithoutClaimTest {

    private static final String STARTED_AT_SUBMISSION = "gateway_started_without_claim_total{work=\"job\"}";
    private static final String SENT_AT_COMPLETION = "gateway_started_without_claim_total{work=\"delivery\"}";
    /** gateway.callback.concurrency-per-host in the test profile. */
    private static final int RECEIVER_CAP = 4;
    /** Inserts of new jobs waiting for a lock (the disconnected-client tests hold one on {@code job}). */
    private static final String WAITING_INSERTS = "select count(*) from pg_stat_activity"
            + " where wait_event_type = 'Lock' and query like '%insert into job%' and datname = current_database()";

    private final TargetServer target = TargetServer.get();

    @TestHTTPResource("/jobs")
    URL jobs;

    @Inject
    JobClaimLoop runner;

    @Inject
    DeliveryClaimLoop deliveries;

    /** A slot is reserved only outside a claim: no claim for the previous test's work may overlap this test's. */
    @BeforeEach
    void runnersAreIdle() {
        await().atMost(Duration.ofSeconds(10)).until(() -> runner.idle() && deliveries.idle());
    }

    @Test
    void anIdleRunnerStartsASubmittedJobWithoutAClaim() {
        double before = Metrics.value(STARTED_AT_SUBMISSION);

        String id = Api.submitJob(Map.of("apiKey", "test-key", "url", target.url("/ok")));

        await().atMost(Duration.ofSeconds(5)).until(() -> Api.status(id).equals("finished"));
        assertThat(Metrics.value(STARTED_AT_SUBMISSION) - before, equalTo(1.0));
        Api.job(id).body("attempts", equalTo(1));
    }

    /** The slots are taken by two accounts under their cap, so only the full claim can have left the job waiting. */
    @Test
    void aSubmissionNeverTakesMoreThanTheFreeFetchSlotsAndRunsWhenOneFrees() {
        String key = UUID.randomUUID().toString();
        String slow = "/slow/" + key + "/1500";
        int slots = WakeUpAndRetentionTest.Profile.FETCH_SLOTS;
        submitBatch(Api.newAccount(), Collections.nCopies(slots / 2, target.url(slow)));
        submitBatch(Api.newAccount(), Collections.nCopies(slots / 2, target.url(slow)));
        await().atMost(Duration.ofSeconds(5)).until(() -> target.hits(slow) == slots);
        double before = Metrics.value(STARTED_AT_SUBMISSION);

        String waiting = "/slow/" + key + "/10";
        Api.submitJob(Map.of("apiKey", Api.newAccount(), "url", target.url(waiting)));

        // (the profile purges ended jobs two seconds after they end: the target's count outlives them)
        await().atMost(Duration.ofSeconds(10)).until(() -> target.hits(waiting) == 1);
        assertThat("it waited for a slot", target.maxConcurrent(key), equalTo(slots));
        assertThat(Metrics.value(STARTED_AT_SUBMISSION) - before, equalTo(0.0));
    }

    /** Slots are free, so only an account's own job ending can start the job its cap held back. */
    @Test
    void aJobHeldBackByItsAccountsCapRunsWhenOneOfTheAccountsJobsEnds() {
        String key = UUID.randomUUID().toString();
        int cap = WakeUpAndRetentionTest.Profile.ACCOUNT_CAP;
        String slow = "/slow/" + key + "/1000";
        submitBatch(Api.newAccount(), Collections.nCopies(cap + 1, target.url(slow)));

        await().atMost(Duration.ofSeconds(10)).until(() -> target.hits(slow) == cap + 1);
        assertThat("never more than the cap at once", target.maxConcurrent(key), equalTo(cap));
    }

    @Test
    void anEndingJobsCallbackIsSentWithoutAClaimSignedAndAsTheStatusUrlShowsIt() throws Exception {
        WebhookReceiver receiver = WebhookReceiver.shared();
        TestAccount account = Webhooks.newAccount();
        String path = WebhookReceiver.newPath();
        double before = Metrics.value(SENT_AT_COMPLETION);

        String id = Webhooks.submitJob(account.apiKey(), Map.of("callback", Webhooks.callback(receiver.url(path))));

        Received request = receiver.awaitRequests(path, 1).get(0);
        Webhooks.verify(Webhooks.secret(account.apiKey()), request);
        Api.job(id).body("status", equalTo("finished"));
        JsonNode body = new ObjectMapper().readTree(request.body());
        assertThat(body.get("id").asText(), equalTo(id));
        assertThat(body.get("status").asText(), equalTo("finished"));
        assertThat(body.get("response").get("body").asText(), equalTo(TargetServer.HTML));
        assertThat("the state at the moment of sending", body.get("callback").get("status").asText(), equalTo("pending"));
        assertThat(body.get("callback").get("attempts").asInt(), equalTo(1));
        assertThat(Metrics.value(SENT_AT_COMPLETION) - before, equalTo(1.0));
        await().atMost(Duration.ofSeconds(5)).until(() -> "delivered".equals(Api.job(id).extract().path("callback.status")));
        Api.job(id).body("callback.attempts", equalTo(1));
    }

    /** Only the per-receiver cap in all leaves room, since a callback is leased before its receiver is known. */
    @Test
    void anEndingJobsCallbackWaitsForAClaimWhileAsManyAsTheReceiverCapAreInFlight() throws Exception {
        TestAccount account = Webhooks.newAccount();
        String hanging = WebhookReceiver.newPath();
        String later = WebhookReceiver.newPath();
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            receiver.always(hanging, new Answer.Hang());
            IntStream.range(0, RECEIVER_CAP).forEach(i ->
                    Webhooks.submitJob(account.apiKey(), Map.of("callback", Webhooks.callback(receiver.url(hanging)))));
            await().atMost(Duration.ofSeconds(5)).until(() -> receiver.openRequests(hanging) == RECEIVER_CAP);

            String id = Webhooks.submitJob(account.apiKey(), Map.of("callback", Webhooks.callback(receiver.url(later))));
            await().atMost(Duration.ofSeconds(5)).until(() -> Api.status(id).equals("finished"));

            assertThat("its callback is stored due, not leased", Jobs.count(
                    "select count(*) from delivery where job_id = ?::uuid and lease_token is null and attempts = 0", id), equalTo(1L));
            assertThat(receiver.requests(later), empty());
        }
        // With the receiver gone its deliveries fail within a second; they must not run into the next test.
        UUID accountId = Jobs.accountId(account.apiKey());
        await().atMost(Duration.ofSeconds(10)).until(() ->
                Jobs.count("select count(*) from delivery where account_id = ? and status = 'pending'", accountId) == 0);
    }

    /** Two accounts under their cap fill the slots, so only a slot freed before the outcomes are stored can start the last job. */
    @Test
    void aJobStartsInTheSlotOfAFetchWhoseOutcomeIsStillBeingStored() throws Exception {
        String key = UUID.randomUUID().toString();
        String slow = "/slow/" + key + "/1500";
        int slots = WakeUpAndRetentionTest.Profile.FETCH_SLOTS;
        List<String> first = new ArrayList<>();
        for (String apiKey : List.of(Api.newAccount(), Api.newAccount())) {
            for (int i = 0; i < slots / 2; i++) {
                first.add(Api.submitJob(Map.of("apiKey", apiKey, "url", target.url(slow))));
            }
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> target.hits(slow) == slots);
        String waiting = "/slow/" + key + "/10";

        try (Connection lock = TestDatabase.connect()) {
            lock.setAutoCommit(false);
            // Locked while their fetches run: the statement storing their outcomes waits for this transaction.
            lock.createStatement().executeQuery("select id from job where url like '%" + key + "/1500' for update").close();
            Api.submitJob(Map.of("apiKey", Api.newAccount(), "url", target.url(waiting)));

            await().atMost(Duration.ofSeconds(5)).until(() -> target.hits(waiting) == 1);
            for (String id : first) {
                assertThat("its outcome is not stored yet", Api.status(id), equalTo("running"));
            }
            lock.rollback();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> first.stream().allMatch(id -> Api.status(id).equals("finished")));
    }

    /** As many callbacks as the per-receiver cap are unrecorded, yet the receiver gets the next one. */
    @Test
    void aCallbackIsSentInTheSlotOfOneWhoseOutcomeIsStillBeingRecorded() throws Exception {
        TestAccount account = Webhooks.newAccount();
        String firstPath = WebhookReceiver.newPath();
        String laterPath = WebhookReceiver.newPath();
        List<String> first = new ArrayList<>();
        try (WebhookReceiver receiver = WebhookReceiver.start(); Connection lock = TestDatabase.connect()) {
            lock.setAutoCommit(false);
            // Recording an attempt writes its log row first: every record waits for this transaction.
            lock.createStatement().execute("lock table delivery_attempt in exclusive mode");
            for (int i = 0; i < RECEIVER_CAP; i++) {
                first.add(Webhooks.submitJob(account.apiKey(), Map.of("callback", Webhooks.callback(receiver.url(firstPath)))));
            }
            receiver.awaitRequests(firstPath, RECEIVER_CAP);

            Webhooks.submitJob(account.apiKey(), Map.of("callback", Webhooks.callback(receiver.url(laterPath))));

            await().atMost(Duration.ofSeconds(5)).until(() -> receiver.requests(laterPath).size() == 1);
            for (String id : first) {
                assertThat("its outcome is not recorded yet", Api.job(id).extract().path("callback.status"), equalTo("pending"));
            }
            lock.rollback();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> first.stream()
                .allMatch(id -> "delivered".equals(Api.job(id).extract().path("callback.status"))));
    }

    private static void submitBatch(String apiKey, List<String> urls) {
        given().contentType(ContentType.JSON).body(Map.of("apiKey", apiKey, "urls", urls)).post("/batchjobs")
                .then().statusCode(200);
    }

    // A POST /jobs whose client hangs up while the insert waits: the fetch slot reserved for the job must come back
    // exactly once, whatever the insert then does. The inserts wait on a table lock the test holds.

    @Test
    void theSlotComesBackWhenTheInsertOfADisconnectedClientFails() throws Exception {
        String url = target.url("/ok?" + UUID.randomUUID());
        try (Connection lock = TestDatabase.connect()) {
            lock.setAutoCommit(false);
            lock.createStatement().execute("lock table job in exclusive mode");
            submitAndHangUpWhileTheInsertWaits(url);

            try (Connection admin = TestDatabase.connect()) {
                admin.createStatement().execute("select pg_cancel_backend(pid) from pg_stat_activity"
                        + " where wait_event_type = 'Lock' and query like '%insert into job%' and datname = current_database()");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> Jobs.count(WAITING_INSERTS) == 0);
            lock.rollback();
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> runner.inFlight() == 0);
        assertThat("nothing was stored", Jobs.count("select count(*) from job where url = ?", url), equalTo(0L));
    }

    @Test
    void aDisconnectedClientsJobStillRunsInItsSlotWhichIsHandedBackOnce() throws Exception {
        String url = target.url("/ok?" + UUID.randomUUID());
        try (Connection lock = TestDatabase.connect()) {
            lock.setAutoCommit(false);
            lock.createStatement().execute("lock table job in exclusive mode");
            submitAndHangUpWhileTheInsertWaits(url);
            lock.rollback();
        }

        await().atMost(Duration.ofSeconds(10)).until(() ->
                Jobs.count("select count(*) from job where url = ? and status = 'finished'", url) == 1);
        await().atMost(Duration.ofSeconds(5)).until(runner::idle);
        assertThat("the slot was neither kept nor handed back twice", runner.inFlight(), equalTo(0));
    }

    /** Sends the request over a socket of its own, waits until its insert waits for the lock, then closes the socket. */
    private void submitAndHangUpWhileTheInsertWaits(String url) throws Exception {
        byte[] body = ("{\"apiKey\":\"test-key\",\"url\":\"" + url + "\"}").getBytes(StandardCharsets.UTF_8);
        try (Socket client = new Socket(jobs.getHost(), jobs.getPort())) {
            OutputStream out = client.getOutputStream();
            out.write(("POST /jobs HTTP/1.1\r\nHost: " + jobs.getHost() + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            await().atMost(Duration.ofSeconds(5)).until(() -> Jobs.count(WAITING_INSERTS) == 1);
            assertThat("the submission reserved a fetch slot", runner.inFlight(), equalTo(1));
        }
        // Only the scrape itself is left: the server has seen the client go and cancelled the request.
        await().atMost(Duration.ofSeconds(5)).until(() -> Metrics.sum("http_server_active_requests") == 1);
    }
}
