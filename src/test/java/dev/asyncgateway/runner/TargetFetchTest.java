package dev.asyncgateway.runner;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.TargetServer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

/** How a job's fetch turns the target's behaviour into a result: retries, final answers, formats, limits. */
@QuarkusTest
class TargetFetchTest {

    private final TargetServer target = TargetServer.get();
    private String apiKey;

    @BeforeEach
    void account() {
        apiKey = Api.newAccount();
    }

    private JsonPath runToEnd(String path, Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(extra);
        body.put("apiKey", apiKey);
        body.put("url", target.url(path));
        String id = Api.submitJob(body);
        await().atMost(Duration.ofSeconds(15)).until(() -> !Api.status(id).equals("running"));
        return Api.job(id).statusCode(200).extract().jsonPath();
    }

    private static String key() {
        return UUID.randomUUID().toString();
    }

    @Test
    void serverErrorsAreRetriedUntilTheTargetAnswers() {
        JsonPath job = runToEnd("/flaky/" + key() + "/2", Map.of());
        assertThat(job.getString("status"), equalTo("finished"));
        assertThat(job.getInt("attempts"), equalTo(3));
        assertThat(job.getInt("response.statusCode"), equalTo(200));
    }

    @Test
    void tooManyRequestsIsRetriedAfterTheAskedDelay() {
        long start = System.nanoTime();
        JsonPath job = runToEnd("/throttled/" + key(), Map.of());
        assertThat(job.getString("status"), equalTo("finished"));
        assertThat(job.getInt("attempts"), equalTo(2));
        // Retry-After: 1, capped by the test profile's 500 ms maximum delay, beats its 50 ms backoff.
        assertThat(Duration.ofNanos(System.nanoTime() - start).toMillis(), greaterThanOrEqualTo(500L));
    }

    @Test
    void notFoundIsAFinalAnswer() {
        JsonPath job = runToEnd("/status/404", Map.of());
        assertThat(job.getString("status"), equalTo("finished"));
        assertThat(job.getInt("attempts"), equalTo(1));
        assertThat(job.getInt("response.statusCode"), equalTo(404));
    }

    @Test
    void notFoundIsRetriedWithRetry404UntilTheJobTimesOut() {
        JsonPath job = runToEnd("/status/404", Map.of("timeoutSec", 1, "apiParams", Map.of("retry_404", "true")));
        assertThat(job.getString("status"), equalTo("failed"));
        assertThat(job.getString("failReason"), equalTo("failed_due_to_timeout"));
        assertThat(job.getInt("attempts"), greaterThanOrEqualTo(2));
        assertThat(job.get("response"), nullValue());
    }

    @Test
    void aTargetThatNeverAnswersFailsWhenTheJobsTimeRunsOut() {
        JsonPath job = runToEnd("/status/503", Map.of("timeoutSec", "1"));
        assertThat(job.getString("status"), equalTo("failed"));
        assertThat(job.getString("failReason"), equalTo("failed_due_to_timeout"));
    }

    @Test
    void aSlowTargetIsCutOffAtTheAttemptTimeoutAndTheJobTimesOut() {
        JsonPath job = runToEnd("/slow/" + key() + "/10000", Map.of("timeoutSec", 2));
        assertThat(job.getString("failReason"), equalTo("failed_due_to_timeout"));
    }

    @Test
    void binaryBodiesComeBase64Encoded() {
        JsonPath job = runToEnd("/binary", Map.of());
        assertThat(job.get("response.body"), nullValue());
        assertThat(Base64.getDecoder().decode(job.getString("response.base64EncodedBody")), equalTo(TargetServer.PNG));
    }

    @Test
    void redirectsAreFollowedAndTheFinalUrlIsReported() {
        JsonPath job = runToEnd("/redirect/3", Map.of());
        assertThat(job.getInt("response.statusCode"), equalTo(200));
        assertThat(job.getString("response.finalUrl"), equalTo(target.url("/redirect/0")));
    }

    @Test
    void redirectsAreReturnedAsIsWhenFollowingIsOff() {
        JsonPath job = runToEnd("/redirect/1", Map.of("apiParams", Map.of("follow_redirect", false)));
        assertThat(job.getInt("response.statusCode"), equalTo(302));
        assertThat(job.getString("response.headers.location"), equalTo("/redirect/0"));
    }

    @Test
    void endlessRedirectChainsFail() {
        JsonPath job = runToEnd("/redirect/50", Map.of());
        assertThat(job.getString("status"), equalTo("failed"));
        assertThat(job.getString("failReason"), equalTo("too_many_redirects"));
    }

    @Test
    void bodiesOverTheCapFailClearly() {
        JsonPath job = runToEnd("/big/2000000", Map.of());
        assertThat(job.getString("status"), equalTo("failed"));
        assertThat(job.getString("failReason"), equalTo("response_too_large"));
    }

    @Test
    void ownHeadersAreSentOnlyWithKeepHeaders() {
        Map<String, Object> headers = Map.of("X-Custom", "mine", "User-Agent", "my-agent");
        JsonPath kept = new JsonPath(runToEnd("/echo", Map.of("headers", headers, "apiParams", Map.of("keep_headers", true)))
                .getString("response.body"));
        assertThat(kept.getString("headers.x-custom"), equalTo("mine"));
        assertThat(kept.getString("headers.user-agent"), equalTo("my-agent"));

        JsonPath dropped = new JsonPath(runToEnd("/echo", Map.of("headers", headers)).getString("response.body"));
        assertThat(dropped.get("headers.x-custom"), nullValue());
        assertThat(dropped.getString("headers.user-agent"), containsString("Windows"));
    }

    @Test
    void mobileDeviceTypePicksAMobileUserAgent() {
        JsonPath echo = new JsonPath(runToEnd("/echo", Map.of("apiParams", Map.of("device_type", "mobile")))
                .getString("response.body"));
        assertThat(echo.getString("headers.user-agent"), containsString("iPhone"));
    }

    @Test
    void methodAndBodyAreSentToTheTarget() {
        JsonPath echo = new JsonPath(runToEnd("/echo", Map.of("method", "POST", "body", "{\"q\":1}",
                "headers", Map.of("Content-Type", "application/json"))).getString("response.body"));
        assertThat(echo.getString("method"), equalTo("POST"));
        assertThat(echo.getString("body"), equalTo("{\"q\":1}"));
        assertThat(echo.getString("headers.content-type"), equalTo("application/json"));
    }

    @Test
    void htmlIsConvertedToTextOrMarkdownOnRequest() {
        String text = runToEnd("/ok", Map.of("apiParams", Map.of("output_format", "text"))).getString("response.body");
        assertThat(text, equalTo("T Hello World wide"));
        String markdown = runToEnd("/ok", Map.of("apiParams", Map.of("output_format", "markdown"))).getString("response.body");
        assertThat(markdown, containsString("Hello\n====="));
        assertThat(markdown, containsString("World **wide**"));
        assertThat(markdown, not(containsString("<p>")));
    }
}
