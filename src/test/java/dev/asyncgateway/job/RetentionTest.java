package dev.asyncgateway.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.asyncgateway.testsupport.AccountRows;
import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.Jobs;
import dev.asyncgateway.testsupport.TargetServer;
import dev.asyncgateway.testsupport.WebhookReceiver.Answer;
import dev.asyncgateway.testsupport.WebhookReceiver;
import dev.asyncgateway.testsupport.Webhooks.TestAccount;
import dev.asyncgateway.testsupport.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;

/**
 * Retention removes everything a job or a batch left behind (its deliveries and their attempt logs included), but
 * never while one of their deliveries is still pending. Rows are counted per table for the test's own account, since
 * other tests share the database; every table of the schema is counted (see {@link AccountRows}).
 */
@QuarkusTest
@TestProfile(RetentionTest.ShortRetention.class)
class RetentionTest {

    /** Its own application start: a retention short enough to wait for, and keys that expire as soon. */
    public static class ShortRetention implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "gateway.jobs.retention", RETENTION_SECONDS + "s",
                    "gateway.jobs.purge-interval", PURGE_INTERVAL_SECONDS + "s",
                    "gateway.jobs.idempotency-key-ttl", RETENTION_SECONDS + "s");
        }
    }

    private static final int RETENTION_SECONDS = 3;
    private static final int PURGE_INTERVAL_SECONDS = 1;
    /** Past retention by two purge rounds: by then the purger has looked at a row at least once. */
    private static final int SURELY_PURGED_AFTER_SECONDS = RETENTION_SECONDS + 2 * PURGE_INTERVAL_SECONDS;
    /** Longer than that, so that a delivery put off by it is still pending when the purger has looked. */
    private static final String RETRY_AFTER_SECONDS = "10";
    private static final Duration ALL_ENDED = Duration.ofSeconds(30);
    private static final Duration ALL_PURGED = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebhookReceiver receiver = WebhookReceiver.shared();
    private final TargetServer target = TargetServer.get();

    @Test
    void retentionLeavesNoRowOfEndedJobsBatchesAndTheirDeliveriesBehind() throws Exception {
        TestAccount account = Webhooks.newAccount();
        String notifications = WebhookReceiver.newPath();
        Webhooks.putAccountWebhook(account.apiKey(), Map.of("notificationUrl", receiver.url(notifications)));
        Map<String, Long> before = AccountRows.of(account.id());
        assertThat("the tables jobs and batches use are counted", before.keySet(),
                hasItems("job", "batch", "delivery", "delivery_attempt", "idempotency_key"));

        String callbacks = WebhookReceiver.newPath();
        String refusingCallbacks = WebhookReceiver.newPath();
        receiver.always(refusingCallbacks, Answer.status(500));
        for (int i = 0; i < 5; i++) {
            submit(account, target.url("/ok"), callbacks, Map.of());
        }
        for (int i = 0; i < 3; i++) {
            // larger than the test profile's body cap: the job fails, and reports it
            submit(account, target.url("/big/2000000"), callbacks, Map.of("expectUnsuccessReport", true));
        }
        submit(account, target.url("/ok"), refusingCallbacks, Map.of());
        given().contentType(ContentType.JSON).header("Idempotency-Key", UUID.randomUUID().toString())
                .body(Map.of("apiKey", account.apiKey(), "url", target.url("/ok"))).post("/jobs").then().statusCode(200);
        given().contentType(ContentType.JSON).body(Map.of("apiKey", account.apiKey(),
                        "urls", List.of(target.url("/ok"), target.url("/ok"), target.url("/ok"), target.url("/ok"),
                                target.url("/ok")),
                        "callback", Webhooks.callback(receiver.url(callbacks))))
                .post("/batchjobs").then().statusCode(200);

        receiver.awaitRequests(callbacks, 5 + 3 + 5);
        receiver.awaitRequests(refusingCallbacks, 3);
        List<String> events = new ArrayList<>();
        for (WebhookReceiver.Received event : receiver.awaitRequests(notifications, 2)) {
            events.add(JSON.readTree(event.body()).path("eventType").asText());
        }
        assertThat("a callback-failed notification and a batch-finished event went out", events,
                hasItems("callback-failed", "batch-finished"));
        await().atMost(ALL_ENDED).until(() -> pendingDeliveries(account) == 0);

        await().atMost(ALL_PURGED).untilAsserted(() -> assertThat(AccountRows.of(account.id()), equalTo(before)));
    }

    @Test
    void aJobOrBatchWhoseDeliveryIsStillPendingIsKeptWithItUntilTheDeliveryEnds() {
        TestAccount account = Webhooks.newAccount();
        String notifications = WebhookReceiver.newPath();
        String callbacks = WebhookReceiver.newPath();
        Answer comeBackLater = new Answer.Status(503, Map.of("Retry-After", RETRY_AFTER_SECONDS), "busy");
        receiver.script(notifications, comeBackLater).script(callbacks, comeBackLater);
        Webhooks.putAccountWebhook(account.apiKey(), Map.of("notificationUrl", receiver.url(notifications)));
        Map<String, Long> before = AccountRows.of(account.id());

        String job = submit(account, target.url("/ok"), callbacks, Map.of());
        String batch = given().contentType(ContentType.JSON)
                .body(Map.of("apiKey", account.apiKey(), "urls", List.of(target.url("/ok"))))
                .post("/batchjobs").then().statusCode(200).extract().path("[0].batchId");
        receiver.awaitRequests(callbacks, 1);
        receiver.awaitRequests(notifications, 1);

        await().atMost(ALL_ENDED).until(() -> everythingEndedLongerAgoThan(account, SURELY_PURGED_AFTER_SECONDS)
                || Api.job(job).extract().statusCode() == 404);
        Api.job(job).statusCode(200).body("callback.status", equalTo("pending"));
        given().get("/batchjobs/" + batch).then().statusCode(200);
        assertThat("both deliveries are still pending, with the attempt made so far",
                List.of(pendingDeliveries(account), attemptsLogged(account)), everyItem(equalTo(2L)));

        receiver.awaitRequests(callbacks, 2);
        receiver.awaitRequests(notifications, 2);
        await().atMost(ALL_PURGED).untilAsserted(() -> assertThat(AccountRows.of(account.id()), equalTo(before)));
    }

    private String submit(TestAccount account, String url, String callbackPath, Map<String, Object> fields) {
        Map<String, Object> body = new HashMap<>(fields);
        body.put("url", url);
        body.put("callback", Webhooks.callback(receiver.url(callbackPath)));
        return Webhooks.submitJob(account.apiKey(), body);
    }

    private static long pendingDeliveries(TestAccount account) {
        return Jobs.count("select count(*) from delivery where account_id = ?::uuid and status = 'pending'", account.id());
    }

    private static long attemptsLogged(TestAccount account) {
        return Jobs.count("select count(*) from delivery_attempt a join delivery d on d.id = a.delivery_id"
                + " where d.account_id = ?::uuid", account.id());
    }

    /** Every job of the account ended more than {@code seconds} ago (and at least one exists). */
    private static boolean everythingEndedLongerAgoThan(TestAccount account, int seconds) {
        return Jobs.count("select count(*) from job where account_id = ?::uuid", account.id()) > 0
                && Jobs.count("select count(*) from job where account_id = ?::uuid"
                + " and (finished_at is null or finished_at > now() - make_interval(secs => ?))", account.id(), seconds) == 0;
    }
}
