package dev.asyncgateway.api;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.TargetServer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/** Who may see, list and cancel which jobs, and how batches and pages come back. */
@QuarkusTest
class JobAccessTest {

    private final TargetServer target = TargetServer.get();

    /** A job that stays running for the length of a test: the target answers 503 until the job times out. */
    private String runningJob(String apiKey) {
        return Api.submitJob(Map.of("apiKey", apiKey, "url", target.url("/status/503"), "timeoutSec", 60));
    }

    @Test
    void jobIdsAreTimeOrderedUuidV7sWhoseRandomBitsAreFreshForEveryId() {
        String apiKey = Api.newAccount();
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            urls.add("http://127.0.0.1:1/ids?i=" + i);
        }
        List<String> ids = given().contentType(ContentType.JSON).body(Map.of("apiKey", apiKey, "urls", urls, "timeoutSec", 1))
                .post("/batchjobs").then().statusCode(200).extract().jsonPath().getList("id");
        ids.add(runningJob(apiKey));
        long previousMillis = 0;
        long previousRandom = 0;
        for (String text : ids) {
            UUID id = UUID.fromString(text);
            assertThat(id.version(), equalTo(7));
            long millis = id.getMostSignificantBits() >>> 16;
            assertThat(millis >= previousMillis, equalTo(true));
            // Not a counter: an id's neighbour in the same millisecond is no easier to guess than any other.
            long random = id.getLeastSignificantBits() & 0x3FFF_FFFF_FFFF_FFFFL;
            assertThat(Math.abs(random - previousRandom) > 1_000_000, equalTo(true));
            previousMillis = millis;
            previousRandom = random;
        }
    }

    @Test
    void batchAnswersOneJobPerUrlInInputOrderWithABatchId() {
        String apiKey = Api.newAccount();
        List<String> urls = List.of(target.url("/ok"), target.url("/status/404"), target.url("/binary"));
        List<Map<String, Object>> jobs = given().contentType(ContentType.JSON)
                .body(Map.of("apiKey", apiKey, "urls", urls, "meta", Map.of("batch", true)))
                .post("/batchjobs").then().statusCode(200).extract().jsonPath().getList("$");
        assertThat(jobs, hasSize(3));
        assertThat(jobs.stream().map(j -> j.get("url")).toList(), equalTo(urls));
        assertThat(jobs.stream().map(j -> j.get("status")).toList(), everyItem(equalTo("running")));
        assertThat(jobs.stream().map(j -> j.get("batchId")).distinct().toList(), hasSize(1));
        assertThat(jobs.get(0).get("meta"), equalTo(Map.of("batch", true)));
        for (Map<String, Object> job : jobs) {
            String id = (String) job.get("id");
            await().atMost(Duration.ofSeconds(10)).until(() -> Api.status(id).equals("finished"));
        }
    }

    @Test
    void ownerCancelsARunningJobAndCancellingAgainChangesNothing() {
        String apiKey = Api.newAccount();
        String id = runningJob(apiKey);
        given().header("X-API-Key", apiKey).delete("/jobs/" + id).then().statusCode(200)
                .body("status", equalTo("failed")).body("failReason", equalTo("cancelled"));
        given().queryParam("apiKey", apiKey).delete("/jobs/" + id).then().statusCode(200)
                .body("status", equalTo("failed")).body("failReason", equalTo("cancelled"));
        Api.job(id).statusCode(200).body("status", equalTo("failed")).body("failReason", equalTo("cancelled"));
    }

    @Test
    void cancellingAFinishedJobLeavesItFinished() {
        String apiKey = Api.newAccount();
        String id = Api.submitJob(Map.of("apiKey", apiKey, "url", target.url("/ok")));
        await().atMost(Duration.ofSeconds(10)).until(() -> Api.status(id).equals("finished"));
        given().header("Authorization", "Token " + apiKey).delete("/jobs/" + id).then().statusCode(200)
                .body("status", equalTo("finished")).body("response.statusCode", equalTo(200));
    }

    @Test
    void anotherAccountCanNeitherCancelNorListAJob() {
        String owner = Api.newAccount();
        String stranger = Api.newAccount();
        String id = runningJob(owner);
        given().header("X-API-Key", stranger).delete("/jobs/" + id).then().statusCode(404)
                .body("error", equalTo("job not found"));
        given().header("X-API-Key", stranger).get("/jobs").then().statusCode(200).body("jobs", hasSize(0));
        Api.job(id).statusCode(200).body("status", equalTo("running"));
        given().header("X-API-Key", owner).delete("/jobs/" + id).then().statusCode(200);
    }

    @Test
    void cancelNeedsAKnownKey() {
        String id = runningJob(Api.newAccount());
        given().delete("/jobs/" + id).then().statusCode(401).body("error", equalTo("missing API key"));
        given().header("X-API-Key", "nope").delete("/jobs/" + id).then().statusCode(401).body("error", equalTo("unknown API key"));
    }

    @Test
    void unknownJobsAre404() {
        Api.job(UUID.randomUUID().toString()).statusCode(404).body("error", equalTo("job not found"));
        Api.job("not-a-uuid").statusCode(404).body("error", equalTo("job not found"));
    }

    @Test
    void listingPagesThroughAnAccountsJobsNewestFirst() {
        String apiKey = Api.newAccount();
        List<String> submitted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            submitted.add(runningJob(apiKey));
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            var page = given().header("X-API-Key", apiKey).queryParam("limit", 2)
                    .queryParam("status", "running")
                    .queryParams(cursor == null ? Map.of() : Map.of("cursor", cursor))
                    .get("/jobs").then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("jobs.id"));
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        List<String> newestFirst = new ArrayList<>(submitted);
        java.util.Collections.reverse(newestFirst);
        assertThat(seen, contains(newestFirst.toArray()));

        given().header("X-API-Key", apiKey).queryParam("status", "finished").get("/jobs").then().statusCode(200)
                .body("jobs", hasSize(0)).body("nextCursor", nullValue());
        submitted.forEach(id -> given().header("X-API-Key", apiKey).delete("/jobs/" + id).then().statusCode(200));
        given().header("X-API-Key", apiKey).queryParam("status", "failed").get("/jobs").then().statusCode(200)
                .body("jobs", hasSize(5)).body("jobs[0].failReason", notNullValue());
    }

    @Test
    void listingRejectsBadParameters() {
        String apiKey = Api.newAccount();
        given().header("X-API-Key", apiKey).queryParam("limit", 0).get("/jobs").then().statusCode(400).body("field", equalTo("limit"));
        given().header("X-API-Key", apiKey).queryParam("limit", "x").get("/jobs").then().statusCode(400).body("field", equalTo("limit"));
        given().header("X-API-Key", apiKey).queryParam("status", "done").get("/jobs").then().statusCode(400).body("field", equalTo("status"));
        given().header("X-API-Key", apiKey).queryParam("cursor", "garbage!").get("/jobs").then().statusCode(400).body("field", equalTo("cursor"));
        given().get("/jobs").then().statusCode(401);
    }
}
