package dev.asyncgateway.api;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Without a configured base URL, statusUrl is built from the request as the client addressed it; forwarded
 * headers count only from trusted proxies, and by default no proxy is trusted (see {@link TrustedProxyStatusUrlTest}).
 */
@QuarkusTest
class StatusUrlTest {

    private static final String OWN_STATUS_URL = "http://(localhost|127\\.0\\.0\\.1):\\d+/jobs/[0-9a-f-]{36}";

    @Test
    void forwardedHeadersFromAClientThatIsNoTrustedProxyAreIgnored() throws Exception {
        String id = given().header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "evil.example")
                .header("X-Forwarded-Prefix", "/phish").header("Forwarded", "proto=https;host=evil.example")
                .contentType(ContentType.JSON).body(Map.of("apiKey", "test-key", "url", "http://127.0.0.1:1/x"))
                .post("/jobs").then().statusCode(200)
                .body("statusUrl", matchesPattern(OWN_STATUS_URL))
                .extract().path("id");

        Api.job(id).statusCode(200).body("statusUrl", matchesPattern(OWN_STATUS_URL));
        assertEquals(0, Webhooks.count("select count(*) from job where id = ?::uuid and status_url like '%evil%'", id));
    }

    @Test
    void statusUrlIsAbsoluteAndPointsAtThisGateway() {
        String statusUrl = given().contentType(ContentType.JSON)
                .body(Map.of("apiKey", "test-key", "url", "http://127.0.0.1:1/x"))
                .post("/jobs").then().statusCode(200)
                .body("statusUrl", matchesPattern(OWN_STATUS_URL))
                .extract().path("statusUrl");
        given().get(statusUrl).then().statusCode(200);
    }
}
