package dev.asyncgateway.api;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.Jobs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
class IdempotencyKeyTest {

    private static final String UNREACHABLE = "http://127.0.0.1:1/idempotent";

    @Test
    void retriedJobSubmissionReturnsTheOriginalJob() {
        String key = Api.newAccount();
        Map<String, Object> body = Map.of("apiKey", key, "url", UNREACHABLE, "meta", Map.of("n", 1));
        String first = post("/jobs", "retry-1", body).statusCode(200).extract().path("id");

        post("/jobs", "retry-1", body).statusCode(200).body("id", equalTo(first)).body("meta.n", equalTo(1));

        assertEquals(1, jobsOf(key));
    }

    @Test
    void retriedBatchReturnsTheOriginalJobsInOrder() {
        String key = Api.newAccount();
        Map<String, Object> body = Map.of("apiKey", key, "urls", List.of(UNREACHABLE + "/a", UNREACHABLE + "/b"));
        List<String> first = post("/batchjobs", "batch-1", body).statusCode(200).extract().path("id");

        post("/batchjobs", "batch-1", body).statusCode(200).body("id", equalTo(first))
                .body("url", equalTo(List.of(UNREACHABLE + "/a", UNREACHABLE + "/b")));

        assertEquals(2, jobsOf(key));
        assertEquals(1, Jobs.count("select count(*) from batch where account_id = ?", Jobs.accountId(key)));
    }

    @Test
    void concurrentRetriesCreateTheJobsOnce() {
        String key = Api.newAccount();
        Map<String, Object> body = Map.of("apiKey", key, "url", UNREACHABLE);
        List<CompletableFuture<String>> attempts = IntStream.range(0, 6)
                .mapToObj(i -> CompletableFuture.supplyAsync(() ->
                        post("/jobs", "race", body).statusCode(200).extract().<String>path("id")))
                .toList();

        List<String> ids = attempts.stream().map(CompletableFuture::join).distinct().toList();

        assertThat(ids.size(), equalTo(1));
        assertEquals(1, jobsOf(key));
    }

    @Test
    void keysBelongToOneAccount() {
        String one = Api.newAccount();
        String other = Api.newAccount();
        String first = post("/jobs", "shared-name", Map.of("apiKey", one, "url", UNREACHABLE)).extract().path("id");

        post("/jobs", "shared-name", Map.of("apiKey", other, "url", UNREACHABLE)).statusCode(200)
                .body("id", not(equalTo(first)));
    }

    @Test
    void aKeyReusedForADifferentRequestIsAConflictAndStoresNothing() {
        String key = Api.newAccount();
        post("/jobs", "reused", Map.of("apiKey", key, "url", UNREACHABLE + "/1")).statusCode(200);

        post("/jobs", "reused", Map.of("apiKey", key, "url", UNREACHABLE + "/2")).statusCode(409)
                .body("error", equalTo("this Idempotency-Key was used for a different request"));
        post("/batchjobs", "reused", Map.of("apiKey", key, "urls", List.of(UNREACHABLE + "/1"))).statusCode(409)
                .body("error", equalTo("this Idempotency-Key was used for POST /jobs"));
        assertEquals(1, jobsOf(key));
    }

    @Test
    void anExpiredKeyCreatesNewJobsAndIsPurged() {
        String key = Api.newAccount();
        Map<String, Object> body = Map.of("apiKey", key, "url", UNREACHABLE);
        String first = post("/jobs", "old", body).extract().path("id");
        age("old", key);

        String second = post("/jobs", "old", body).statusCode(200).extract().path("id");
        assertThat(second, not(equalTo(first)));

        age("old", key);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                Jobs.count("select count(*) from idempotency_key where account_id = ?", Jobs.accountId(key)) == 0);
    }

    @Test
    void malformedKeyIsRefusedAndNothingIsStored() {
        String key = Api.newAccount();
        post("/jobs", "x".repeat(256), Map.of("apiKey", key, "url", UNREACHABLE)).statusCode(400)
                .body("field", equalTo("Idempotency-Key"));
        assertEquals(0, Jobs.storedFor(key));
    }

    private static ValidatableResponse post(String path, String idempotencyKey, Map<String, Object> body) {
        return given().contentType(ContentType.JSON).header("Idempotency-Key", idempotencyKey).body(body).post(path).then();
    }

    private static long jobsOf(String apiKey) {
        return Jobs.count("select count(*) from job where account_id = ?", Jobs.accountId(apiKey));
    }

    /** Makes the key older than its 24 h lifetime. */
    private static void age(String idempotencyKey, String apiKey) {
        UUID account = Jobs.accountId(apiKey);
        Jobs.execute("update idempotency_key set created_at = now() - interval '25 hours' where account_id = ? and key = ?",
                account, idempotencyKey);
    }
}
