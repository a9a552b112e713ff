package dev.asyncgateway.callback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.TargetServer;
import dev.asyncgateway.testsupport.WebhookReceiver.Received;
import dev.asyncgateway.testsupport.WebhookReceiver;
import dev.asyncgateway.testsupport.Webhooks.TestAccount;
import dev.asyncgateway.testsupport.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
class BatchFinishedTest {

    private final WebhookReceiver receiver = WebhookReceiver.shared();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void batchFinishedIsAnnouncedOnceWhenEveryJobHasEnded() throws Exception {
        TestAccount account = Webhooks.newAccount();
        String notifications = WebhookReceiver.newPath();
        Webhooks.putAccountWebhook(account.apiKey(), Map.of("notificationUrl", receiver.url(notifications)));
        TargetServer target = TargetServer.get();
        String slow = target.url("/slow/" + UUID.randomUUID() + "/5000");

        var batch = given().contentType(ContentType.JSON).body(Map.of("apiKey", account.apiKey(),
                        "urls", List.of(target.url("/ok"), target.url("/ok"), slow)))
                .post("/batchjobs").then().statusCode(200).extract();
        String batchId = batch.path("[0].batchId");
        batch.response().then().body("batchId", everyItem(equalTo(batchId)));
        String slowJob = batch.path("[2].id");
        String summaryUrl = "/batchjobs/" + batchId;

        await().atMost(Duration.ofSeconds(10)).until(() -> given().get(summaryUrl).then().extract()
                .<Integer>path("counts.finished") == 2);
        given().get(summaryUrl).then().statusCode(200).body("status", equalTo("running")).body("size", equalTo(3))
                .body("counts.running", equalTo(1));
        assertEquals(0, receiver.requests(notifications).size(), "not announced while a job runs");

        Webhooks.as(account.apiKey()).delete("/jobs/" + slowJob).then().statusCode(200);

        Received request = receiver.awaitRequests(notifications, 1).get(0);
        Webhooks.verify(Webhooks.secret(account.apiKey()), request);
        JsonNode event = JSON.readTree(request.body());
        assertEquals("batch-finished", event.get("eventType").asText());
        assertEquals(account.id(), event.get("accountId").asText());
        JsonNode data = event.get("eventData");
        assertEquals(batchId, data.get("batchId").asText());
        assertEquals(3, data.get("total").asInt());
        assertEquals(2, data.get("counts").get("finished").asInt());
        assertEquals(1, data.get("counts").get("failed").asInt());
        given().get(data.get("statusUrl").asText()).then().statusCode(200)
                .body("id", equalTo(batchId)).body("status", equalTo("finished"))
                .body("counts.failed", equalTo(1)).body("statusUrl", equalTo(data.get("statusUrl").asText()));
        assertEquals(1, Webhooks.count("select count(*) from delivery where kind = 'batch-finished' and account_id = ?::uuid",
                account.id()), "announced exactly once");
    }

    @Test
    void batchWhoseAnnouncementACrashPreventedIsAnnouncedByTheSweep() throws Exception {
        TestAccount account = Webhooks.newAccount();
        String notifications = WebhookReceiver.newPath();
        Webhooks.putAccountWebhook(account.apiKey(), Map.of("notificationUrl", receiver.url(notifications)));
        String jobId = Webhooks.submitJob(account.apiKey(), Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> "finished".equals(Api.status(jobId)));
        // The state an instance leaves when it dies between ending a batch's last job and checking the batch.
        UUID batchId = UUID.randomUUID();
        Webhooks.execute("insert into batch (id, account_id, size) values (?, ?::uuid, 1)", batchId, account.id());
        Webhooks.execute("update job set batch_id = ? where id = ?::uuid", batchId, jobId);

        JsonNode event = JSON.readTree(receiver.awaitRequests(notifications, 1).get(0).body());

        assertEquals("batch-finished", event.get("eventType").asText());
        assertEquals(batchId.toString(), event.get("eventData").get("batchId").asText());
        assertEquals(1, event.get("eventData").get("counts").get("finished").asInt());
    }

    @Test
    void unknownBatchIsNotFound() {
        given().get("/batchjobs/" + UUID.randomUUID()).then().statusCode(404).body("error", equalTo("batch not found"));
        given().get("/batchjobs/nope").then().statusCode(404);
    }
}
