package dev.asyncgateway.api;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.TargetServer;
import dev.asyncgateway.testsupport.WebhookReceiver;
import dev.asyncgateway.testsupport.Webhooks.TestAccount;
import dev.asyncgateway.testsupport.Webhooks;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The main flows against the packaged artifact: the jar here, the native binary after {@code -Dnative}. */
@QuarkusIntegrationTest
class JobFlowIT {

    private final TargetServer target = TargetServer.get();

    @Test
    void submittedJobFinishesAndItsResultIsReadableAtStatusUrl() {
        String id = Api.submitJob(Map.of("apiKey", Api.newAccount(), "url", target.url("/ok"),
                "apiParams", Map.of("output_format", "markdown")));

        await().atMost(Duration.ofSeconds(30)).until(() -> Api.status(id).equals("finished"));

        Api.job(id).statusCode(200)
                .body("attempts", equalTo(1))
                .body("response.statusCode", equalTo(200))
                .body("response.body", allOf(containsString("World **wide**"), not(containsString("<p>"))));
    }

    @Test
    void finishedJobsCallbackIsDeliveredSigned() throws Exception {
        WebhookReceiver receiver = WebhookReceiver.shared();
        TestAccount account = Webhooks.newAccount();
        String path = WebhookReceiver.newPath();
        String id = Webhooks.submitJob(account.apiKey(), Map.of("callback", Webhooks.callback(receiver.url(path))));

        WebhookReceiver.Received request = receiver.awaitRequests(path, 1).get(0);

        Webhooks.verify(Webhooks.secret(account.apiKey()), request);
        assertTrue(request.body().contains(id), request.body());
        await().atMost(Duration.ofSeconds(30)).until(() -> "delivered".equals(Api.job(id).extract().path("callback.status")));
    }

    @Test
    void operatorEndpointsAnswer() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
        given().header("Authorization", "Bearer " + Api.ADMIN_TOKEN).post("/admin/drain").then().statusCode(200)
                .body("drained", equalTo(true));
    }
}
