package dev.asyncgateway.job;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.Jobs;
import dev.asyncgateway.testsupport.TargetServer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Accept what ScraperAPI accepts, do what we can, say what we did not: unknown names are ignored with a warning
 * (with a suggestion for a near miss), {@code Prefer: handling=strict} refuses them instead, ScraperAPI's parameters
 * are read at the top level, and garbage is refused either way.
 */
@QuarkusTest
class LeniencyTest {

    private final TargetServer target = TargetServer.get();
    private String apiKey;

    @BeforeEach
    void account() {
        apiKey = Api.newAccount();
    }

    private Map<String, Object> job(Object... fields) {
        Map<String, Object> body = new HashMap<>();
        body.put("apiKey", apiKey);
        body.put("url", target.url("/ok"));
        for (int i = 0; i < fields.length; i += 2) {
            body.put((String) fields[i], fields[i + 1]);
        }
        return body;
    }

    private static ValidatableResponse post(String path, Map<String, Object> body, String prefer) {
        var request = given().contentType(ContentType.JSON).body(body);
        if (prefer != null) {
            request.header("Prefer", prefer);
        }
        return request.post(path).then();
    }

    private static JsonPath ended(String id) {
        await().atMost(Duration.ofSeconds(15)).until(() -> !Api.status(id).equals("running"));
        return Api.job(id).statusCode(200).extract().jsonPath();
    }

    @Test
    void aJobWithNothingToSayHasNoWarningsKeyAndNoPreferenceApplied() {
        var answer = post("/jobs", job(), null).statusCode(200).body("$", not(hasKey("warnings")));
        assertEquals(null, answer.extract().header("Preference-Applied"));
        String id = answer.extract().path("id");
        assertThat(ended(id).getMap("$"), not(hasKey("warnings")));
        assertEquals(null, Jobs.row(id).get("warnings"));
    }

    @Test
    void unknownFieldsAreIgnoredAndNamedWithASuggestionForANearMiss() {
        String id = post("/jobs", job("calback", "http://127.0.0.1:1/hook", "colour", "red"), null).statusCode(200)
                .header("Preference-Applied", "handling=lenient")
                .body("warnings", containsInAnyOrder("ignored 'calback': did you mean 'callback'?", "ignored 'colour': unknown field"))
                .extract().path("id");
        JsonPath finished = ended(id);
        assertThat(finished.getString("status"), equalTo("finished"));
        assertThat(finished.getList("warnings"), hasItem("ignored 'calback': did you mean 'callback'?"));
    }

    @Test
    void strictRequestsAreRefusedWithTheFieldNamed() {
        post("/jobs", job("calback", "http://127.0.0.1:1/hook"), "respond-async, handling=strict").statusCode(400)
                .body("field", equalTo("calback"))
                .body("error", containsString("did you mean 'callback'?"));
        assertEquals(0, Jobs.storedFor(apiKey));
    }

    @Test
    void everyJobOfABatchCarriesTheWarnings() {
        Map<String, Object> body = job("urls", List.of(target.url("/ok"), target.url("/ok")), "autoparse", true);
        body.remove("url");
        post("/batchjobs", body, null).statusCode(200)
                .header("Preference-Applied", "handling=lenient")
                .body("warnings", everyItem(contains("ignored 'autoparse': structured parsing is not offered")));
    }

    @Test
    void scraperApiParametersAtTheTopLevelAreReadAsApiParams() {
        String id = Api.submitJob(job("output_format", "text", "render", false, "premium", false, "keep_headers", false));
        JsonPath finished = ended(id);
        assertThat(finished.getString("response.body"), equalTo("T Hello World wide"));
        assertThat(finished.getMap("$"), not(hasKey("warnings")));
    }

    @Test
    void apiParamsWinOverTheSameParameterAtTheTopLevel() {
        String id = post("/jobs", job("output_format", "markdown", "apiParams", Map.of("output_format", "text")), null)
                .statusCode(200)
                .body("warnings", contains("ignored 'output_format': 'apiParams.output_format' is given too, and wins"))
                .extract().path("id");
        assertThat(ended(id).getString("response.body"), equalTo("T Hello World wide"));
    }

    @Test
    void aCallbackGivenAsAStringIsTheCallbackUrl() {
        Api.submit(job("callback", "http://127.0.0.1:1/hook")).statusCode(200)
                .body("callback.url", equalTo("http://127.0.0.1:1/hook"))
                .body("callback.status", equalTo("pending"));
    }

    @Test
    void headersTheConnectionOwnsAreDroppedWithAWarningAndTheRestAreSent() {
        Map<String, String> browserHeaders = Map.of("Host", "www.example.com", "Connection", "keep-alive",
                "Content-Length", "0", "X-Custom", "yes");
        String id = post("/jobs", job("url", target.url("/echo"), "headers", browserHeaders,
                "apiParams", Map.of("keep_headers", true)), null).statusCode(200)
                .body("warnings", hasItem(containsString("ignored 'headers.Host'")))
                .body("warnings", hasItem(containsString("ignored 'headers.Connection'")))
                .body("warnings", hasItem(containsString("ignored 'headers.Content-Length'")))
                .extract().path("id");
        JsonPath echoed = new JsonPath(ended(id).getString("response.body"));
        assertThat(echoed.getString("headers.x-custom"), equalTo("yes"));
        assertThat(echoed.getString("headers.host"), not(equalTo("www.example.com")));
        post("/jobs", job("headers", Map.of("Host", "www.example.com")), "handling=strict").statusCode(400)
                .body("field", equalTo("headers.Host"));
    }

    @Test
    void garbageIsRefusedInLenientModeToo() {
        post("/jobs", job("timeoutSec", "soon"), null).statusCode(400).body("field", equalTo("timeoutSec"));
        post("/jobs", job("url", 5), null).statusCode(400).body("field", equalTo("url"));
        post("/jobs", job("url", "http://0.0.0.0/"), null).statusCode(400).body("field", equalTo("url"));
        post("/jobs", job("render", "maybe"), null).statusCode(400).body("field", equalTo("render"));
        assertEquals(0, Jobs.storedFor(apiKey));
    }

    @Test
    void theFinalUrlAndStatusAreAlsoInScraperApisHeaders() {
        String id = Api.submitJob(job("url", target.url("/redirect/1")));
        JsonPath finished = ended(id);
        assertThat(finished.getString("response.headers.sa-final-url"), equalTo(target.url("/redirect/0")));
        assertThat(finished.getString("response.headers.sa-statuscode"), equalTo("200"));
        assertThat(finished.getString("response.finalUrl"), equalTo(target.url("/redirect/0")));
    }

    @Test
    void structuredEndpointsAnswerInTheErrorShape() {
        given().contentType(ContentType.JSON).body(Map.of("apiKey", apiKey, "query", "x"))
                .post("/structured/amazon/search").then().statusCode(400)
                .contentType(ContentType.JSON)
                .body("error", containsString("not offered"))
                .body("field", nullValue());
    }
}
