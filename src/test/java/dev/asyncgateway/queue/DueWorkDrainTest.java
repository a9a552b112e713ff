package dev.asyncgateway.queue;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.TargetServer;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
class DueWorkDrainTest {

    private final TargetServer target = TargetServer.get();

    @Test
    void drainAnswersOnlyOnceNoJobIsDueOrInFlight() {
        String key = Api.newAccount();
        String first = Api.submitJob(Map.of("apiKey", key, "url", target.url("/slow/drain-a/600")));
        String second = Api.submitJob(Map.of("apiKey", key, "url", target.url("/slow/drain-b/900")));

        given().header("Authorization", "Bearer " + Api.ADMIN_TOKEN).post("/admin/drain").then().statusCode(200)
                .body("drained", equalTo(true))
                .body("jobsDue", equalTo(0));

        Api.job(first).body("status", equalTo("finished"));
        Api.job(second).body("status", equalTo("finished"));
    }

    @Test
    void drainNeedsTheAdminToken() {
        given().post("/admin/drain").then().statusCode(401).body("error", equalTo("missing or wrong admin token"));
        given().header("Authorization", "Bearer wrong").post("/admin/drain").then().statusCode(401);
    }
}
