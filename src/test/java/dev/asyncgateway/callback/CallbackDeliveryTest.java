package dev.asyncgateway.callback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.TargetServer;
import dev.asyncgateway.testsupport.WebhookReceiver.Answer;
import dev.asyncgateway.testsupport.WebhookReceiver.Received;
import dev.asyncgateway.testsupport.WebhookReceiver;
import dev.asyncgateway.testsupport.Webhooks.TestAccount;
import dev.asyncgateway.testsupport.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class CallbackDeliveryTest {

    private final WebhookReceiver receiver = WebhookReceiver.shared();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void finishedJobIsPushedOnceSignedWithTheJobAsItsStatusUrlShowsIt() throws Exception {
        TestAccount account = Webhooks.newAccount();
        String path = WebhookReceiver.newPath();
        String id = Webhooks.submitJob(account.apiKey(), Map.of("callback", Webhooks.callback(receiver.url(path)),
                "meta", Map.of("order", 7)));

        Received request = receiver.awaitRequests(path, 1).get(0);

        Webhooks.verify(Webhooks.secret(account.apiKey()), request);
        assertEquals("application/json", request.header("content-type"));
        assertTrue(request.header("user-agent").startsWith("async-job-gateway/"), request.header("user-agent"));
        assertTrue(request.header("webhook-id").startsWith("msg_"));
        JsonNode body = JSON.readTree(request.body());
        assertEquals(id, body.get("id").asText());
        assertEquals("finished", body.get("status").asText());
        assertEquals(7, body.get("meta").get("order").asInt());
        assertEquals(200, body.get("response").get("statusCode").asInt());
        assertEquals(TargetServer.HTML, body.get("response").get("body").asText());
        assertEquals("pending", body.get("callback").get("status").asText(), "the state at the moment of sending");
        assertEquals(1, body.get("callback").get("attempts").asInt());

        awaitCallbackStatus(id, "delivered");
        Api.job(id).body("callback.url", equalTo(receiver.url(path))).body("callback.attempts", equalTo(1));
        attemptLog(account, id).body("attempts", hasSize(1)).body("attempts[0].statusCode", equalTo(200))
                .body("attempts[0].attempt", equalTo(1)).body("attempts[0].responseBody", equalTo("status 200"));
        assertEquals(1, receiver.requests(path).size());
    }

    @Test
    void failingReceiverSucceedsOnTheThirdAttemptWithTheSameWebhookId() throws Exception {
        TestAccount account = Webhooks.newAccount();
        String path = WebhookReceiver.newPath();
        receiver.script(path, Answer.status(500), Answer.status(503));
        String id = Webhooks.submitJob(account.apiKey(), Map.of("callback", Webhooks.callback(receiver.url(path))));

        List<Received> requests = receiver.awaitRequests(path, 3);
        awaitCallbackStatus(id, "delivered");

        String secret = Webhooks.secret(account.apiKey());
        for (Received request : requests) {
            Webhooks.verify(secret, request);
            assertEquals(requests.get(0).header("webhook-id"), request.header("webhook-id"));
        }
        Api.job(id).body("callback.attempts", equalTo(3));
        attemptLog(account, id).body("attempts.attempt", equalTo(List.of(1, 2, 3)))
                .body("attempts.statusCode", equalTo(List.of(500, 503, 200)))
                .body("attempts[0].error", equalTo("HTTP 500"))
                .body("attempts[0].responseBody", equalTo("status 500"));
    }

    @Test
    void callbackIsAttemptedAtMostThreeTimesThenFailsAndTheAccountIsNotified() throws Exception {
        TestAccount account = Webhooks.newAccount();
        String path = WebhookReceiver.newPath();
        String notifications = WebhookReceiver.newPath();
        receiver.always(path, Answer.status(500));
        Webhooks.putAccountWebhook(account.apiKey(), Map.of("notificationUrl", receiver.url(notifications)));
        String callbackUrl = receiver.urlWithCredentials("user:secret", path);
        String id = Webhooks.submitJob(account.apiKey(), Map.of("callback", Webhooks.callback(callbackUrl), "project", "shop"));

        awaitCallbackStatus(id, "failed");
        Received notification = receiver.awaitRequests(notifications, 1).get(0);

        assertEquals(3, receiver.requests(path).size());
        Api.job(id).body("status", equalTo("finished")).body("response.statusCode", equalTo(200))
                .body("callback.attempts", equalTo(3));
        Webhooks.verify(Webhooks.secret(account.apiKey()), notification);
        JsonNode event = JSON.readTree(notification.body());
        assertEquals("callback-failed", event.get("eventType").asText());
        assertEquals(account.id(), event.get("accountId").asText());
        assertTrue(event.hasNonNull("createdAt"));
        JsonNode data = event.get("eventData");
        assertEquals(id, data.get("jobId").asText());
        assertEquals(TargetServer.get().url("/ok"), data.get("url").asText());
        assertEquals(receiver.urlWithCredentials("user:****", path), data.get("callbackUrl").asText());
        assertEquals(500, data.get("status").asInt());
        assertEquals(3, data.get("attempts").asInt());
        assertEquals("HTTP 500", data.get("lastError").asText());
        assertEquals("shop", data.get("project").asText());
    }

    @Test
    void failingNotificationIsRetriedButNeverNotifiesAgain() throws Exception {
        TestAccount account = Webhooks.newAccount();
        String path = WebhookReceiver.newPath();
        String notifications = WebhookReceiver.newPath();
        receiver.always(path, Answer.status(500)).always(notifications, Answer.status(500));
        Webhooks.putAccountWebhook(account.apiKey(), Map.of("notificationUrl", receiver.url(notifications)));
        Webhooks.submitJob(account.apiKey(), Map.of("callback", Webhooks.callback(receiver.url(path))));

        receiver.awaitRequests(notifications, 3);
        await().atMost(Duration.ofSeconds(10)).until(() -> Webhooks.count(
                "select count(*) from delivery where account_id = ?::uuid and status = 'pending'", account.id()) == 0);

        assertEquals(3, receiver.requests(notifications).size());
        assertEquals(1, Webhooks.count("select count(*) from delivery where account_id = ?::uuid and kind = 'callback-failed'",
                account.id()));
    }

    @Test
    void failedJobCallsBackOnlyWhenTheJobAskedForUnsuccessReports() throws Exception {
        TestAccount account = Webhooks.newAccount();
        String silent = WebhookReceiver.newPath();
        String reported = WebhookReceiver.newPath();
        String slowTarget = TargetServer.get().url("/slow/" + UUID.randomUUID() + "/5000");
        String quiet = Webhooks.submitJob(account.apiKey(), Map.of("url", slowTarget,
                "callback", Webhooks.callback(receiver.url(silent))));
        String loud = Webhooks.submitJob(account.apiKey(), Map.of("url", slowTarget,
                "callback", Webhooks.callback(receiver.url(reported)), "expectUnsuccessReport", true));

        cancel(account, quiet);
        cancel(account, loud);

        JsonNode body = JSON.readTree(receiver.awaitRequests(reported, 1).get(0).body());
        assertEquals(loud, body.get("id").asText());
        assertEquals("failed", body.get("status").asText());
        assertEquals("cancelled", body.get("failReason").asText());
        assertEquals(0, Webhooks.count("select count(*) from delivery where job_id = ?::uuid", quiet),
                "the job ended without a delivery, so none can ever be sent");
        Api.job(quiet).body("status", equalTo("failed")).body("callback", nullValue());
        assertEquals(0, receiver.requests(silent).size());
    }

    @Test
    void callbackGoesToTheJobUrlElseItsProjectWebhookElseTheAccountWebhook() {
        TestAccount account = Webhooks.newAccount();
        String jobPath = WebhookReceiver.newPath();
        String projectPath = WebhookReceiver.newPath();
        String accountPath = WebhookReceiver.newPath();
        Webhooks.putAccountWebhook(account.apiKey(), Map.of("url", receiver.url(accountPath)));
        Webhooks.as(account.apiKey()).body(Map.of("url", receiver.url(projectPath))).put("/projects/shop/webhook")
                .then().statusCode(201);

        String ownUrl = Webhooks.submitJob(account.apiKey(), Map.of("project", "shop",
                "callback", Webhooks.callback(receiver.url(jobPath))));
        String project = Webhooks.submitJob(account.apiKey(), Map.of("project", "shop"));
        String noProject = Webhooks.submitJob(account.apiKey(), Map.of());
        String otherProject = Webhooks.submitJob(account.apiKey(), Map.of("project", "blog"));

        assertEquals(List.of(ownUrl), jobIds(receiver.awaitRequests(jobPath, 1)));
        assertEquals(List.of(project), jobIds(receiver.awaitRequests(projectPath, 1)));
        receiver.awaitRequests(accountPath, 2);
        assertEquals(List.of(noProject, otherProject).stream().sorted().toList(),
                jobIds(receiver.requests(accountPath)).stream().sorted().toList());
    }

    @Test
    void formEncodingFlattensNestedFieldsInBracketNotationAndIsSigned() throws Exception {
        TestAccount account = Webhooks.newAccount();
        String path = WebhookReceiver.newPath();
        Webhooks.as(account.apiKey()).body(Map.of("url", receiver.url(path), "encoding", "form"))
                .put("/projects/forms/webhook").then().statusCode(201);
        String id = Webhooks.submitJob(account.apiKey(), Map.of("project", "forms",
                "meta", Map.of("tags", List.of("a", "b"), "note", "x&y=z")));

        Received request = receiver.awaitRequests(path, 1).get(0);

        assertEquals("application/x-www-form-urlencoded", request.header("content-type"));
        Webhooks.verify(Webhooks.secret(account.apiKey()), request);
        Map<String, String> form = new HashMap<>();
        for (String pair : request.body().split("&")) {
            String[] parts = pair.split("=", 2);
            form.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8), URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
        }
        assertEquals(id, form.get("id"));
        assertEquals("finished", form.get("status"));
        assertEquals("200", form.get("response[statusCode]"));
        assertEquals("a", form.get("meta[tags][0]"));
        assertEquals("b", form.get("meta[tags][1]"));
        assertEquals("x&y=z", form.get("meta[note]"));
    }

    @Test
    void customHeadersAreSentToTheWebhookTheyWereSetFor() {
        TestAccount account = Webhooks.newAccount();
        String path = WebhookReceiver.newPath();
        Webhooks.putAccountWebhook(account.apiKey(), Map.of("url", receiver.url(path), "headers",
                List.of(Map.of("key", "X-Token", "value", "t0ken"), Map.of("key", "X-Tenant", "value", "acme"))));
        Webhooks.submitJob(account.apiKey(), Map.of());

        Received request = receiver.awaitRequests(path, 1).get(0);

        assertEquals("t0ken", request.header("x-token"));
        assertEquals("acme", request.header("x-tenant"));
    }

    /** User info is percent-decoded as a URL's is (RFC 3986), not as a form: a '+' stays a '+'. */
    @Test
    void urlCredentialsAreSentAsBasicAuthAndTheUrlIsShownMasked() {
        TestAccount account = Webhooks.newAccount();
        String path = WebhookReceiver.newPath();
        String id = Webhooks.submitJob(account.apiKey(), Map.of("callback",
                Webhooks.callback(receiver.urlWithCredentials("hook%40user+1:p%40ss+w%2Bord%20x", path + "?source=gw"))));

        Received request = receiver.awaitRequests(path, 1).get(0);

        assertEquals("Basic " + Base64.getEncoder().encodeToString("hook@user+1:p@ss+w+ord x".getBytes(StandardCharsets.UTF_8)),
                request.header("authorization"));
        assertEquals("source=gw", request.query());
        Api.job(id).body("callback.url", equalTo(receiver.urlWithCredentials("hook%40user+1:****", path + "?source=gw")));
    }

    @Test
    void redirectCountsAsAFailedAttemptAndIsNotFollowed() {
        TestAccount account = Webhooks.newAccount();
        String path = WebhookReceiver.newPath();
        String elsewhere = WebhookReceiver.newPath();
        receiver.script(path, new Answer.Status(302, Map.of("Location", receiver.url(elsewhere)), ""));
        String id = Webhooks.submitJob(account.apiKey(), Map.of("callback", Webhooks.callback(receiver.url(path))));

        awaitCallbackStatus(id, "delivered");

        assertEquals(2, receiver.requests(path).size());
        assertEquals(0, receiver.requests(elsewhere).size());
        attemptLog(account, id).body("attempts.statusCode", equalTo(List.of(302, 200)))
                .body("attempts[0].error", equalTo("HTTP 302 (redirects are not followed)"));
    }

    @Test
    void goneStopsTheDeliveryAtOnce() {
        TestAccount account = Webhooks.newAccount();
        String path = WebhookReceiver.newPath();
        receiver.always(path, Answer.status(410));
        String id = Webhooks.submitJob(account.apiKey(), Map.of("callback", Webhooks.callback(receiver.url(path))));

        awaitCallbackStatus(id, "failed");

        assertEquals(1, receiver.requests(path).size());
        Api.job(id).body("callback.attempts", equalTo(1));
    }

    @Test
    void attemptLogNamesTimeoutsAndDroppedConnections() {
        TestAccount account = Webhooks.newAccount();
        String path = WebhookReceiver.newPath();
        receiver.script(path, new Answer.Hang(), new Answer.Close());
        String id = Webhooks.submitJob(account.apiKey(), Map.of("callback", Webhooks.callback(receiver.url(path))));

        awaitCallbackStatus(id, "delivered");

        attemptLog(account, id).body("attempts", hasSize(3))
                .body("attempts[0].errorKind", equalTo("timeout"))
                .body("attempts[0].statusCode", nullValue())
                .body("attempts[1].errorKind", equalTo("connection_closed"))
                .body("attempts[2].statusCode", equalTo(200));
    }

    @Test
    void retryAfterFromTheReceiverIsHonoured() {
        TestAccount account = Webhooks.newAccount();
        String path = WebhookReceiver.newPath();
        receiver.script(path, new Answer.Status(503, Map.of("Retry-After", "1"), "busy"));
        Webhooks.submitJob(account.apiKey(), Map.of("callback", Webhooks.callback(receiver.url(path))));

        List<Received> requests = receiver.awaitRequests(path, 2);

        long gapMs = Duration.ofNanos(requests.get(1).receivedAtNanos() - requests.get(0).receivedAtNanos()).toMillis();
        assertTrue(gapMs >= 900, "waited " + gapMs + " ms, the receiver asked for 1 s (the schedule says 100 ms)");
    }

    @Test
    void manualRetryStartsAFreshDeliveryAndConflictsWhileOneIsInProgress() {
        TestAccount account = Webhooks.newAccount();
        TestAccount other = Webhooks.newAccount();
        String path = WebhookReceiver.newPath();
        receiver.script(path, Answer.status(500), Answer.status(500), Answer.status(500));
        String id = Webhooks.submitJob(account.apiKey(), Map.of("callback", Webhooks.callback(receiver.url(path))));
        awaitCallbackStatus(id, "failed");

        Webhooks.as(other.apiKey()).post("/jobs/" + id + "/callback/retry").then().statusCode(404);
        Webhooks.as(account.apiKey()).post("/jobs/" + id + "/callback/retry").then().statusCode(202)
                .body("callback.status", equalTo("pending"));
        awaitCallbackStatus(id, "delivered");
        Api.job(id).body("callback.attempts", equalTo(1));
        attemptLog(account, id).body("attempts", hasSize(4)).body("attempts[3].attempt", equalTo(1))
                .body("attempts[3].statusCode", equalTo(200));

        receiver.script(path, new Answer.Hang());
        Webhooks.as(account.apiKey()).post("/jobs/" + id + "/callback/retry").then().statusCode(202);
        Webhooks.as(account.apiKey()).post("/jobs/" + id + "/callback/retry").then().statusCode(409)
                .body("error", equalTo("a delivery of this callback is in progress"));
        awaitCallbackStatus(id, "delivered");
        assertEquals(6, receiver.requests(path).size());
    }

    @Test
    void retryOfAJobThatHasNotEndedIsAConflict() {
        TestAccount account = Webhooks.newAccount();
        String id = Webhooks.submitJob(account.apiKey(), Map.of("url",
                TargetServer.get().url("/slow/" + UUID.randomUUID() + "/3000")));

        Webhooks.as(account.apiKey()).post("/jobs/" + id + "/callback/retry").then().statusCode(409)
                .body("error", startsWith("the job has not ended yet"));
    }

    @Test
    void rotatedSecretSignsAlongsideThePreviousOne() throws Exception {
        TestAccount account = Webhooks.newAccount();
        String path = WebhookReceiver.newPath();
        String before = Webhooks.secret(account.apiKey());
        String after = Webhooks.as(account.apiKey()).post("/account/webhook/secret/rotate")
                .then().statusCode(200).extract().path("secret");
        Webhooks.submitJob(account.apiKey(), Map.of("callback", Webhooks.callback(receiver.url(path))));

        Received request = receiver.awaitRequests(path, 1).get(0);

        assertTrue(after.startsWith("whsec_") && !after.equals(before));
        assertEquals(after, Webhooks.secret(account.apiKey()));
        assertEquals(2, request.header("webhook-signature").split(" ").length);
        Webhooks.verify(after, request);
        Webhooks.verify(before, request);
    }

    private static void cancel(TestAccount account, String id) {
        Webhooks.as(account.apiKey()).delete("/jobs/" + id).then().statusCode(200).body("status", equalTo("failed"));
    }

    private static void awaitCallbackStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(20)).until(() -> status.equals(Api.job(id).extract().path("callback.status")));
    }

    private static io.restassured.response.ValidatableResponse attemptLog(TestAccount account, String id) {
        return Webhooks.as(account.apiKey()).get("/jobs/" + id + "/callback/attempts").then().statusCode(200)
                .body("jobId", equalTo(id));
    }

    private static List<String> jobIds(List<Received> requests) {
        return requests.stream().map(request -> {
            try {
                return JSON.readTree(request.body()).get("id").asText();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

}
