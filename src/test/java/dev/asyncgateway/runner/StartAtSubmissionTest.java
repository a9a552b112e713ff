package dev.asyncgateway.runner;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.Metrics;
import dev.asyncgateway.testsupport.TargetServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * A job submitted while the runner has a free slot is stored leased and starts without a claim; with the
 * fallback poll an hour away (the profile), nothing else starts claims behind the tests' backs.
 */
@QuarkusTest
@TestProfile(WakeUpAndRetentionTest.Profile.class)
class StartAtSubmissionTest {

    private static final String STARTED_AT_SUBMISSION = "gateway_jobs_started_at_submission_total";

    private final TargetServer target = TargetServer.get();

    @Inject
    JobPoller runner;

    /** The previous test's last claim (every finished attempt starts one) must not overlap this test's submission. */
    @BeforeEach
    void runnerIsIdle() {
        await().atMost(Duration.ofSeconds(10)).until(runner::idle);
    }

    @Test
    void anIdleRunnerStartsASubmittedJobWithoutAClaim() {
        double before = Metrics.value(STARTED_AT_SUBMISSION);

        String id = Api.submitJob(Map.of("apiKey", "test-key", "url", target.url("/ok")));

        await().atMost(Duration.ofSeconds(5)).until(() -> Api.status(id).equals("finished"));
        assertThat(Metrics.value(STARTED_AT_SUBMISSION) - before, equalTo(1.0));
        Api.job(id).body("attempts", equalTo(1));
    }

    @Test
    void aSubmissionNeverTakesMoreThanTheFreeFetchSlots() {
        String key = UUID.randomUUID().toString();
        String slow = "/slow/" + key + "/1500";
        int slots = WakeUpAndRetentionTest.Profile.FETCH_SLOTS;
        given().contentType(ContentType.JSON)
                .body(Map.of("apiKey", "test-key", "urls", Collections.nCopies(slots, target.url(slow))))
                .post("/batchjobs").then().statusCode(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> target.hits(slow) == slots);
        double before = Metrics.value(STARTED_AT_SUBMISSION);

        String id = Api.submitJob(Map.of("apiKey", "test-key", "url", target.url("/slow/" + key + "/10")));

        await().atMost(Duration.ofSeconds(10)).until(() -> Api.status(id).equals("finished"));
        assertThat("it waited for a slot", target.maxConcurrent(key), equalTo(slots));
        assertThat(Metrics.value(STARTED_AT_SUBMISSION) - before, equalTo(0.0));
    }
}
