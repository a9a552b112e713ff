package dev.asyncgateway.api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.matchesPattern;

/** Without a configured base URL, statusUrl is built from the request as the client (or its proxy) addressed it. */
@QuarkusTest
class StatusUrlTest {

    @Test
    void statusUrlHonoursForwardedHeaders() {
        given().header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "jobs.example.org")
                .header("X-Forwarded-Prefix", "/gw")
                .contentType(ContentType.JSON).body(Map.of("apiKey", "test-key", "url", "http://127.0.0.1:1/x"))
                .post("/jobs").then().statusCode(200)
                .body("statusUrl", matchesPattern("https://jobs\\.example\\.org/gw/jobs/[0-9a-f-]{36}"));
    }

    @Test
    void statusUrlIsAbsoluteAndPointsAtThisGateway() {
        String statusUrl = given().contentType(ContentType.JSON)
                .body(Map.of("apiKey", "test-key", "url", "http://127.0.0.1:1/x"))
                .post("/jobs").then().statusCode(200)
                .body("statusUrl", matchesPattern("http://(localhost|127\\.0\\.0\\.1):\\d+/jobs/[0-9a-f-]{36}"))
                .extract().path("statusUrl");
        given().get(statusUrl).then().statusCode(200);
    }
}
