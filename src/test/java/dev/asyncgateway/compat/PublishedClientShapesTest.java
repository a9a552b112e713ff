package dev.asyncgateway.compat;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.TargetServer;
import dev.asyncgateway.testsupport.WebhookReceiver;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * "An existing ScraperAPI async client works by changing only its base URL": each test replays the request shape of
 * one published client (ScraperAPI's documented examples per language, its sample projects, a published .NET client,
 * scripts found in the wild), as its body and headers are written there, with only the base URL and key changed, and
 * asserts on what that client reads back. The shapes are re-stated from the public documentation and code of those
 * clients, not copied.
 */
@QuarkusTest
class PublishedClientShapesTest {

    private final TargetServer target = TargetServer.get();
    private final WebhookReceiver receiver = WebhookReceiver.shared();
    private String apiKey;

    @BeforeEach
    void account() {
        apiKey = Api.newAccount();
    }

    /** POSTs a body exactly as written, with the client's own Content-Type and User-Agent. */
    private static ExtractableResponse<Response> post(String path, String contentType, String userAgent, String body) {
        var request = given().header("Content-Type", contentType).body(body);
        if (!userAgent.isEmpty()) {
            request.header("User-Agent", userAgent);
        }
        return request.post(path).then().extract();
    }

    /** What every polling client does: GET the statusUrl it was given (absolute) until the job is no longer running. */
    private static JsonPath pollUntilEnded(String statusUrl) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> !"running".equals(given().get(statusUrl).then().extract().path("status")));
        return given().get(statusUrl).then().statusCode(200).extract().jsonPath();
    }

    private static void readsTheRunningJob(JsonPath job, String url) {
        readsTheRunningJob(job, "", url);
    }

    /** @param at where the job object is in the answer: {@code ""}, or {@code "[0]."} in a batch's array */
    private static void readsTheRunningJob(JsonPath answer, String at, String url) {
        assertThat(answer.getString(at + "id"), notNullValue());
        assertThat(answer.getString(at + "status"), equalTo("running"));
        assertThat(answer.getString(at + "statusUrl"), startsWith("http"));
        assertThat(answer.getString(at + "statusUrl"), containsString(answer.getString(at + "id")));
        assertThat(answer.getString(at + "url"), equalTo(url));
    }

    /** ScraperAPI docs, cURL tab: {@code curl --request POST --header "Content-Type: application/json" --data '{...}'}. */
    @Test
    void docsCurlSingleJob() {
        String url = target.url("/ok");
        var answer = post("/jobs", "application/json", "curl/8.5.0",
                "{\n    \"apiKey\": \"" + apiKey + "\",\n    \"url\": \"" + url + "\"\n  }");
        assertEquals(200, answer.statusCode());
        readsTheRunningJob(answer.jsonPath(), url);
        JsonPath finished = pollUntilEnded(answer.path("statusUrl"));
        assertThat(finished.getString("status"), equalTo("finished"));
        assertThat(finished.getInt("response.statusCode"), equalTo(200));
        assertThat(finished.getString("response.body"), equalTo(TargetServer.HTML));
    }

    /** ScraperAPI docs, Python tab: {@code requests.post(url=..., json={'apiKey': ..., 'url': ...})}; prints r.text. */
    @Test
    void docsPythonSingleJob() {
        String url = target.url("/ok");
        var answer = post("/jobs", "application/json", "python-requests/2.31.0",
                "{\"apiKey\": \"" + apiKey + "\", \"url\": \"" + url + "\"}");
        assertEquals(200, answer.statusCode());
        readsTheRunningJob(answer.jsonPath(), url);
        assertThat(pollUntilEnded(answer.path("statusUrl")).getString("response.body"), equalTo(TargetServer.HTML));
    }

    /** ScraperAPI docs, Python batch tab: {@code 'apiParams': {'ultra_premium': 'false'}} with {@code urls}. */
    @Test
    void docsPythonBatchWithApiParams() {
        String first = target.url("/ok");
        String second = target.url("/redirect/0");
        var answer = post("/batchjobs", "application/json", "python-requests/2.31.0",
                "{\"apiKey\": \"" + apiKey + "\", \"urls\": [\"" + first + "\", \"" + second + "\"], "
                        + "\"apiParams\": {\"ultra_premium\": \"false\"}}");
        assertEquals(200, answer.statusCode());
        List<String> statusUrls = answer.jsonPath().getList("statusUrl");
        assertThat(statusUrls, hasSize(2));
        readsTheRunningJob(answer.jsonPath(), "[0].", first);
        assertThat(answer.jsonPath().getString("[1].url"), equalTo(second));
        assertThat(answer.jsonPath().getMap("[0]"), not(hasKey("warnings")));
        for (String statusUrl : statusUrls) {
            assertThat(pollUntilEnded(statusUrl).getString("status"), equalTo("finished"));
        }
    }

    /** ScraperAPI docs, NodeJS tab: axios POST with {@code data: {apiKey, url}}; reads {@code data.statusUrl}. */
    @Test
    void docsNodeSingleJobWithMeta() {
        String url = target.url("/ok");
        var answer = post("/jobs", "application/json", "axios/1.6.8",
                "{\"apiKey\":\"" + apiKey + "\",\"url\":\"" + url + "\",\"meta\":{\"customerRequestId\":\"req-42\"}}");
        assertEquals(200, answer.statusCode());
        assertThat(answer.path("meta.customerRequestId"), equalTo("req-42"));
        JsonPath finished = pollUntilEnded(answer.path("statusUrl"));
        assertThat(finished.getString("meta.customerRequestId"), equalTo("req-42"));
        assertThat(finished.getString("response.body"), equalTo(TargetServer.HTML));
    }

    /** ScraperAPI docs, PHP tab: {@code json_encode(array("apiKey"=>..., "method"=>"POST", "body"=>"var1=value1&var2=value2", "url"=>...))}. */
    @Test
    void docsPhpPostRequest() {
        String url = target.url("/echo");
        var answer = post("/jobs", "application/json", "",
                "{\"apiKey\":\"" + apiKey + "\",\"method\":\"POST\",\"body\":\"var1=value1&var2=value2\",\"url\":\""
                        + url.replace("/", "\\/") + "\"}");
        assertEquals(200, answer.statusCode());
        JsonPath echoed = new JsonPath(pollUntilEnded(answer.path("statusUrl")).getString("response.body"));
        assertThat(echoed.getString("method"), equalTo("POST"));
        assertThat(echoed.getString("body"), equalTo("var1=value1&var2=value2"));
    }

    /** ScraperAPI docs, Ruby tab: Net::HTTP POST of {@code {apiKey, url, callback: {type: "webhook", url}}}; the webhook gets the job. */
    @Test
    void docsRubyWebhookCallback() {
        String hook = WebhookReceiver.newPath();
        String url = target.url("/ok");
        var answer = post("/jobs", "application/json", "Ruby",
                "{\"apiKey\":\"" + apiKey + "\",\"url\":\"" + url + "\",\"callback\":{\"type\":\"webhook\",\"url\":\""
                        + receiver.url(hook) + "\"}}");
        assertEquals(200, answer.statusCode());
        JsonPath callback = new JsonPath(receiver.awaitRequests(hook, 1).get(0).body());
        assertThat(callback.getString("id"), equalTo(answer.path("id")));
        assertThat(callback.getString("status"), equalTo("finished"));
        assertThat(callback.getString("url"), equalTo(url));
        assertThat(callback.getString("response.body"), equalTo(TargetServer.HTML));
    }

    /** ScraperAPI docs, Java tab: HttpURLConnection writing {@code {"apiKey": "...", "url": "..."}}; expects HTTP_OK. */
    @Test
    void docsJavaHttpUrlConnection() {
        String url = target.url("/ok");
        var answer = post("/jobs", "application/json", "Java/17.0.12",
                "{\"apiKey\": \"" + apiKey + "\", \"url\": \"" + url + "\"}");
        assertEquals(200, answer.statusCode());
        readsTheRunningJob(answer.jsonPath(), url);
        assertThat(pollUntilEnded(answer.path("statusUrl")).getString("status"), equalTo("finished"));
    }

    /** ScraperAPI docs, batch page: {@code curl ... -d '{"apiKey": "xxxxxx", "urls": [ ... ]}' https://async.scraperapi.com/batchjobs}. */
    @Test
    void docsCurlBatch() {
        String first = target.url("/ok");
        String second = target.url("/binary");
        var answer = post("/batchjobs", "application/json", "curl/8.5.0",
                "{\"apiKey\": \"" + apiKey + "\", \"urls\": [ \"" + first + "\", \"" + second + "\" ]}");
        assertEquals(200, answer.statusCode());
        assertThat(answer.jsonPath().getList("status"), equalTo(List.of("running", "running")));
        assertThat(answer.jsonPath().getList("url"), equalTo(List.of(first, second)));
        JsonPath binary = pollUntilEnded(answer.jsonPath().getString("[1].statusUrl"));
        assertThat(binary.getString("response.base64EncodedBody"), notNullValue());
    }

    /**
     * ScraperAPI's sample projects (async scrapers with axios): {@code POST /batchjobs} with
     * {@code {apiKey, urls, callback: {type: 'webhook', url}}}; the webhook then gets one job per URL.
     */
    @Test
    void sampleProjectBatchWithWebhook() {
        String hook = WebhookReceiver.newPath();
        List<String> urls = List.of(target.url("/ok"), target.url("/redirect/1"), target.url("/status/404"));
        var answer = post("/batchjobs", "application/json", "axios/1.6.8",
                "{\"apiKey\":\"" + apiKey + "\",\"urls\":[\"" + String.join("\",\"", urls) + "\"],"
                        + "\"callback\":{\"type\":\"webhook\",\"url\":\"" + receiver.url(hook) + "\"}}");
        assertEquals(200, answer.statusCode());
        List<WebhookReceiver.Received> callbacks = receiver.awaitRequests(hook, 3);
        List<String> calledBack = callbacks.stream().map(r -> new JsonPath(r.body()).getString("url")).toList();
        for (String url : urls) {
            assertThat(calledBack, hasItem(url));
        }
        for (WebhookReceiver.Received callback : callbacks) {
            assertThat(new JsonPath(callback.body()).getString("status"), equalTo("finished"));
        }
    }

    /**
     * The skills-style single job of ScraperAPI's current examples: {@code "apiParams": {"render": true, "country_code": "us"}}.
     * Without a browser or a proxy pool the page is fetched as served, and the answer says so.
     */
    @Test
    void skillsStyleRenderAndCountryCode() {
        String url = target.url("/ok");
        var answer = post("/jobs", "application/json", "python-requests/2.32.3",
                "{\"apiKey\": \"" + apiKey + "\", \"url\": \"" + url + "\", \"apiParams\": {\"render\": true, \"country_code\": \"us\"}}");
        assertEquals(200, answer.statusCode());
        assertEquals("handling=lenient", answer.header("Preference-Applied"));
        assertThat(answer.jsonPath().getList("warnings"), hasSize(2));
        JsonPath finished = pollUntilEnded(answer.path("statusUrl"));
        assertThat(finished.getString("status"), equalTo("finished"));
        assertThat(finished.getString("response.body"), equalTo(TargetServer.HTML));
    }

    /**
     * A published .NET client's SubmitAsyncJobAsync: ScraperAPI parameters at the top level on every call (nulls left
     * out, false flags sent), the callback as a plain URL string, and GetAsyncJobStatusAsync polling
     * {@code /jobs/{id}?apiKey=...}, reading {@code response.body}, {@code response.statusCode}, {@code response.headers}.
     */
    @Test
    void dotNetClientTopLevelParametersAndStringCallback() {
        String hook = WebhookReceiver.newPath();
        String url = target.url("/ok");
        var answer = post("/jobs", "application/json; charset=utf-8", "",
                "{\"apiKey\":\"" + apiKey + "\",\"url\":\"" + url + "\",\"render\":false,\"premium\":false,"
                        + "\"ultra_premium\":false,\"autoparse\":false,\"keep_headers\":false,\"callback\":\""
                        + receiver.url(hook) + "\"}");
        assertEquals(200, answer.statusCode());
        assertThat(answer.jsonPath().getMap("$"), not(hasKey("warnings")));
        String id = answer.path("id");
        JsonPath status = pollUntilEnded(answer.path("statusUrl").toString().replace("/jobs/" + id, "/jobs/" + id + "?apiKey=" + apiKey));
        assertThat(status.getString("status"), equalTo("finished"));
        assertThat(status.getInt("response.statusCode"), equalTo(200));
        assertThat(status.getString("response.body"), equalTo(TargetServer.HTML));
        assertThat(status.getString("response.headers.content-type"), startsWith("text/html"));
        assertThat(new JsonPath(receiver.awaitRequests(hook, 1).get(0).body()).getString("id"), equalTo(id));
    }

    /** The same .NET client with its optional settings filled in: country, session, device type, rendering. */
    @Test
    void dotNetClientWithCountrySessionAndDevice() {
        String url = target.url("/echo");
        var answer = post("/jobs", "application/json; charset=utf-8", "",
                "{\"apiKey\":\"" + apiKey + "\",\"url\":\"" + url + "\",\"render\":true,\"country_code\":\"us\","
                        + "\"premium\":false,\"ultra_premium\":false,\"session_number\":42,\"device_type\":\"mobile\","
                        + "\"autoparse\":true,\"keep_headers\":false}");
        assertEquals(200, answer.statusCode());
        assertThat(answer.jsonPath().getList("warnings"), hasItem("ignored 'autoparse': structured parsing is not offered"));
        JsonPath echoed = new JsonPath(pollUntilEnded(answer.path("statusUrl")).getString("response.body"));
        assertThat(echoed.getString("headers.user-agent"), containsString("Mobile"));
    }

    /** Scripts that spell out ScraperAPI's defaults: {@code "output_format": "html"} and a {@code max_cost} as a string. */
    @Test
    void scriptWithDocumentedDefaultsAndMaxCost() {
        String url = target.url("/ok");
        var answer = post("/jobs", "application/json", "python-requests/2.31.0",
                "{\"apiKey\": \"" + apiKey + "\", \"url\": \"" + url + "\", \"apiParams\": {\"output_format\": \"html\", \"max_cost\": \"5\"}}");
        assertEquals(200, answer.statusCode());
        assertThat(answer.jsonPath().getMap("$"), not(hasKey("warnings")));
        assertThat(pollUntilEnded(answer.path("statusUrl")).getString("response.body"), equalTo(TargetServer.HTML));
    }

    /** Scripts that forward a whole browser header set, Host and Connection included, with {@code keep_headers}. */
    @Test
    void scriptWithBrowserHeaderSet() {
        String url = target.url("/echo");
        var answer = post("/jobs", "application/json", "python-requests/2.31.0",
                "{\"apiKey\": \"" + apiKey + "\", \"url\": \"" + url + "\", \"apiParams\": {\"keep_headers\": \"true\"}, "
                        + "\"headers\": {\"Host\": \"www.example.com\", \"Connection\": \"keep-alive\", "
                        + "\"User-Agent\": \"Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0\", \"Accept-Language\": \"de-DE\", "
                        + "\"Cookie\": \"session=abc\"}}");
        assertEquals(200, answer.statusCode());
        assertThat(answer.jsonPath().getList("warnings"), hasSize(2));
        JsonPath echoed = new JsonPath(pollUntilEnded(answer.path("statusUrl")).getString("response.body"));
        assertThat(echoed.getString("headers.user-agent"), containsString("Firefox/128.0"));
        assertThat(echoed.getString("headers.cookie"), equalTo("session=abc"));
        assertThat(echoed.getString("headers.accept-language"), equalTo("de-DE"));
    }

    /** ScraperAPI's examples read the final URL and status from {@code response.headers['sa-final-url']} / {@code ['sa-statusCode']}. */
    @Test
    void clientReadingScraperApiResponseHeaders() {
        String url = target.url("/redirect/2");
        var answer = post("/jobs", "application/json", "node-fetch/3.3.2",
                "{\"apiKey\":\"" + apiKey + "\",\"url\":\"" + url + "\"}");
        JsonPath finished = pollUntilEnded(answer.path("statusUrl"));
        assertThat(finished.getString("response.headers.sa-final-url"), equalTo(target.url("/redirect/0")));
        assertThat(finished.getString("response.headers.sa-statuscode"), equalTo("200"));
    }

    /** A client of ScraperAPI's structured async endpoints gets a 4xx in the API's error shape, not a bare 404. */
    @Test
    void structuredAsyncEndpointIsNotOffered() {
        var answer = post("/structured/amazon/product", "application/json", "python-requests/2.31.0",
                "{\"apiKey\": \"" + apiKey + "\", \"asin\": \"B07FTKQ97Q\", \"callback\": {\"type\": \"webhook\", \"url\": \"https://example.com/hook\"}}");
        assertEquals(400, answer.statusCode());
        assertThat(answer.jsonPath().getString("error"), containsString("not offered"));
    }

    /**
     * A Human Lambdas webhook script: {@code PUT /orgs/{org}/queues/{queue}/webhook} with {@code {"target": url}} and
     * {@code Authorization: Token KEY}, reading it back with GET, moving it with PATCH, removing it with {@code ""};
     * jobs naming the queue as their project call back its target.
     */
    @Test
    void humanLambdasQueueWebhookScript() {
        String queue = "triage-" + UUID.randomUUID().toString().substring(0, 8);
        String webhookPath = "/orgs/acme/queues/" + queue + "/webhook";
        String first = WebhookReceiver.newPath();
        String second = WebhookReceiver.newPath();
        given().header("Authorization", "Token " + apiKey).contentType("application/json")
                .body("{\"target\": \"" + receiver.url(first) + "\"}").put(webhookPath)
                .then().statusCode(201).body("target", equalTo(receiver.url(first)));
        given().header("Authorization", "Token " + apiKey).get(webhookPath)
                .then().statusCode(200).body("target", equalTo(receiver.url(first)));
        post("/jobs", "application/json", "python-requests/2.31.0",
                "{\"apiKey\": \"" + apiKey + "\", \"url\": \"" + target.url("/ok") + "\", \"project\": \"" + queue + "\"}");
        assertThat(new JsonPath(receiver.awaitRequests(first, 1).get(0).body()).getString("status"), equalTo("finished"));

        given().header("Authorization", "Token " + apiKey).contentType("application/json")
                .body("{\"target\": \"" + receiver.url(second) + "\"}").patch(webhookPath)
                .then().statusCode(200).body("target", equalTo(receiver.url(second)));
        post("/jobs", "application/json", "python-requests/2.31.0",
                "{\"apiKey\": \"" + apiKey + "\", \"url\": \"" + target.url("/ok") + "\", \"project\": \"" + queue + "\"}");
        receiver.awaitRequests(second, 1);

        given().header("Authorization", "Token " + apiKey).contentType("application/json")
                .body("{\"target\": \"\"}").put(webhookPath).then().statusCode(204);
        given().header("Authorization", "Token " + apiKey).get(webhookPath).then().statusCode(404);
        given().header("Authorization", "Token " + apiKey).get("/orgs/other-org/queues/" + queue + "/webhook")
                .then().statusCode(404);
    }
}
