package dev.asyncgateway.runner;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.TargetServer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/**
 * A job's credentials stay with the origin they were given for: a redirect to another origin (here another
 * port of 127.0.0.1) arrives without Authorization and Cookie, a redirect within the origin keeps them.
 */
@QuarkusTest
class RedirectCredentialsTest {

    private static final Map<String, Object> CREDENTIALS = Map.of(
            "Authorization", "Bearer job-secret", "Cookie", "session=job-secret", "X-Custom", "kept");

    private static final Vertx VERTX = Vertx.vertx();
    /** What the other origin received, by path. */
    private static final Map<String, MultiMap> RECEIVED = new ConcurrentHashMap<>();
    private static HttpServer otherOrigin;

    private final TargetServer target = TargetServer.get();

    @BeforeAll
    static void startOtherOrigin() throws Exception {
        otherOrigin = VERTX.createHttpServer().requestHandler(request -> {
            RECEIVED.put(request.path(), MultiMap.caseInsensitiveMultiMap().addAll(request.headers()));
            String back = request.getParam("back");
            if (back != null) {
                request.response().setStatusCode(302).putHeader("Location", back).end();
            } else {
                request.response().putHeader("Content-Type", "text/plain").end("landed");
            }
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopOtherOrigin() {
        VERTX.close();
    }

    @Test
    void credentialsAreDroppedWhenARedirectLeavesTheOrigin() {
        String path = "/landing/" + UUID.randomUUID();
        JsonPath job = runToEnd(redirectTo(otherOrigin(path)));

        assertThat(job.getString("response.body"), equalTo("landed"));
        MultiMap received = RECEIVED.get(path);
        assertThat("Authorization followed the redirect", received.get("Authorization"), nullValue());
        assertThat("Cookie followed the redirect", received.get("Cookie"), nullValue());
        assertThat("other own headers still go along", received.get("X-Custom"), equalTo("kept"));
        assertThat(received.get("User-Agent"), notNullValue());
    }

    @Test
    void credentialsAreKeptOnARedirectWithinTheOrigin() {
        JsonPath echo = new JsonPath(runToEnd(redirectTo("/echo")).getString("response.body"));

        assertThat(echo.getString("headers.authorization"), equalTo("Bearer job-secret"));
        assertThat(echo.getString("headers.cookie"), equalTo("session=job-secret"));
    }

    @Test
    void credentialsOnceDroppedStayDroppedWhenARedirectComesBackToTheFirstOrigin() {
        String path = "/bounce/" + UUID.randomUUID();
        JsonPath echo = new JsonPath(runToEnd(redirectTo(otherOrigin(path) + "?back="
                + URLEncoder.encode(target.url("/echo"), StandardCharsets.UTF_8))).getString("response.body"));

        assertThat(RECEIVED.get(path).get("Authorization"), nullValue());
        assertThat(echo.getString("headers.authorization"), nullValue());
        assertThat(echo.getString("headers.cookie"), nullValue());
        assertThat(echo.getString("headers.x-custom"), equalTo("kept"));
    }

    private String redirectTo(String location) {
        return target.url("/redirect-to?location=" + URLEncoder.encode(location, StandardCharsets.UTF_8));
    }

    private static String otherOrigin(String path) {
        return "http://127.0.0.1:" + otherOrigin.actualPort() + path;
    }

    private static JsonPath runToEnd(String url) {
        String id = Api.submitJob(Map.of("apiKey", Api.newAccount(), "url", url, "headers", CREDENTIALS,
                "apiParams", Map.of("keep_headers", true)));
        await().atMost(Duration.ofSeconds(15)).until(() -> !Api.status(id).equals("running"));
        JsonPath job = Api.job(id).statusCode(200).extract().jsonPath();
        assertThat(job.prettify(), job.getString("status"), equalTo("finished"));
        return job;
    }
}
