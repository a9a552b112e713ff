package dev.asyncgateway.api;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.Jobs;
import dev.asyncgateway.testsupport.TargetServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.both;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Caps that protect the gateway from one client: body size, submission rate, target response size. */
@QuarkusTest
@TestProfile(LimitsTest.SmallLimits.class)
class LimitsTest {

    private static final int REQUEST_MAX_BYTES = 4096;

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.jobs.request-max-bytes", String.valueOf(REQUEST_MAX_BYTES),
                    "gateway.jobs.submissions-per-second", "0.1",
                    "gateway.jobs.submission-burst", "3");
        }
    }

    private final TargetServer target = TargetServer.get();

    @Test
    void bodyDeclaredLargerThanTheLimitGets413InTheErrorShape() {
        String key = Api.newAccount();
        given().contentType(ContentType.JSON).body(oversizedSubmission(key)).post("/jobs").then()
                .statusCode(413)
                .contentType(ContentType.JSON)
                .body("error", equalTo("the request body is larger than " + REQUEST_MAX_BYTES + " bytes"))
                .body("field", nullValue());
        assertEquals(0, Jobs.storedFor(key));
    }

    @Test
    void chunkedBodyLargerThanTheLimitGets413InTheErrorShape() {
        String key = Api.newAccount();
        // An InputStream body is sent chunked, without Content-Length.
        given().contentType(ContentType.JSON)
                .body(new ByteArrayInputStream(oversizedSubmission(key).getBytes(StandardCharsets.UTF_8)))
                .post("/batchjobs").then()
                .statusCode(413)
                .contentType(ContentType.JSON)
                .body("error", equalTo("the request body is larger than " + REQUEST_MAX_BYTES + " bytes"));
        assertEquals(0, Jobs.storedFor(key));
    }

    @Test
    void submissionsOverTheAccountsRateGet429WithRetryAfterAndOtherAccountsAreUnaffected() {
        String key = Api.newAccount();
        for (int i = 0; i < 3; i++) {
            Api.submit(Map.of("apiKey", key, "url", target.url("/ok"))).statusCode(200);
        }
        String retryAfter = Api.submit(Map.of("apiKey", key, "url", target.url("/ok"))).statusCode(429)
                .body("error", equalTo("rate limit exceeded"))
                .extract().header("Retry-After");
        // One submission per 10 s refills the bucket: the next one is allowed within 10 s.
        assertThat(Integer.parseInt(retryAfter), both(greaterThanOrEqualTo(1)).and(lessThanOrEqualTo(10)));
        assertEquals(3, Jobs.count("select count(*) from job where account_id = ?", Jobs.accountId(key)));

        Api.submit(Map.of("apiKey", Api.newAccount(), "url", target.url("/ok"))).statusCode(200);
    }

    @Test
    void targetResponseLargerThanTheCapFailsTheJob() {
        String id = Api.submitJob(Map.of("apiKey", Api.newAccount(), "url", target.url("/big/2000000")));

        await().atMost(Duration.ofSeconds(10)).until(() -> Api.status(id).equals("failed"));
        Api.job(id).body("failReason", equalTo("response_too_large")).body("attempts", equalTo(1));
    }

    private static String oversizedSubmission(String key) {
        return "{\"apiKey\":\"" + key + "\",\"url\":\"http://127.0.0.1:1/\",\"urls\":[],\"meta\":{\"pad\":\""
                + "x".repeat(REQUEST_MAX_BYTES) + "\"}}";
    }
}
