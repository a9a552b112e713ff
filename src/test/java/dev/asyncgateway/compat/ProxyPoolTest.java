package dev.asyncgateway.compat;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.ForwardProxy;
import dev.asyncgateway.testsupport.TargetServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.in;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

/**
 * The proxy pool with real local forward proxies: every fetch goes through one, {@code country_code} and the tier
 * narrow the choice (a 400 when none can serve), {@code session_number} pins one, a retry moves to another, a proxy
 * that keeps failing rests, and credentials reach the proxy but never a client or the metrics.
 */
@QuarkusTest
@WithTestResource(ProxyPoolTest.Proxies.class)
class ProxyPoolTest {

    static final ForwardProxy US = ForwardProxy.start("us-1");
    static final ForwardProxy US_PREMIUM = ForwardProxy.start("us-premium");
    static final ForwardProxy DE_1 = ForwardProxy.start("de-1");
    static final ForwardProxy DE_2 = ForwardProxy.start("de-2");
    static final ForwardProxy GB_WITH_CREDENTIALS = ForwardProxy.start("gb-auth", "scraper", "p@ss w0rd");
    static final ForwardProxy ZZ_LIVE = ForwardProxy.start("zz-live");
    static final int ZZ_DEAD_PORT = ForwardProxy.unusedPort();

    /** Starts the gateway with the pool of the proxies above. */
    public static class Proxies implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            String pool = String.join(",",
                    "http://127.0.0.1:" + US.port() + "#country=us",
                    "http://127.0.0.1:" + US_PREMIUM.port() + "#country=us&tier=premium",
                    "http://127.0.0.1:" + DE_1.port() + "#country=de",
                    "http://127.0.0.1:" + DE_2.port() + "#country=de",
                    "http://scraper:p%40ss%20w0rd@127.0.0.1:" + GB_WITH_CREDENTIALS.port() + "#country=GB",
                    "http://127.0.0.1:" + ZZ_LIVE.port() + "#country=zz",
                    "http://127.0.0.1:" + ZZ_DEAD_PORT + "#country=zz");
            return Map.of("gateway.fetch.proxies", pool,
                    "gateway.fetch.proxy-failures-before-rest", "2",
                    "gateway.fetch.proxy-rest", "1h");
        }

        @Override
        public void stop() {
        }
    }

    private final TargetServer target = TargetServer.get();
    private String apiKey;

    @BeforeEach
    void account() {
        apiKey = Api.newAccount();
    }

    private Map<String, Object> job(String path, Map<String, Object> apiParams) {
        Map<String, Object> body = new HashMap<>();
        body.put("apiKey", apiKey);
        body.put("url", target.url(path));
        body.put("apiParams", apiParams);
        return body;
    }

    private static JsonPath ended(String id) {
        await().atMost(Duration.ofSeconds(20)).until(() -> !Api.status(id).equals("running"));
        return Api.job(id).statusCode(200).extract().jsonPath();
    }

    /** The name of the proxy that served a finished job. */
    private String servedBy(Map<String, Object> apiParams) {
        JsonPath finished = ended(Api.submitJob(job("/ok", apiParams)));
        assertThat(finished.getString("status"), equalTo("finished"));
        return finished.getString("response.headers.x-via-proxy");
    }

    @Test
    void everyFetchGoesThroughAProxyOfThePool() {
        assertThat(servedBy(Map.of()), notNullValue());
    }

    @Test
    void countryCodeNarrowsTheChoiceToThatCountry() {
        for (int i = 0; i < 6; i++) {
            assertThat(servedBy(Map.of("country_code", "DE")), in(List.of("de-1", "de-2")));
            assertThat(servedBy(Map.of("country_code", "us")), in(List.of("us-1", "us-premium")));
        }
    }

    @Test
    void premiumNarrowsTheChoiceToThatTierOrAbove() {
        for (int i = 0; i < 4; i++) {
            assertThat(servedBy(Map.of("premium", true)), equalTo("us-premium"));
            assertThat(servedBy(Map.of("country_code", "us", "premium", "true")), equalTo("us-premium"));
        }
    }

    @Test
    void aRequestNoProxyCanServeIsRefusedInBothModes() {
        for (String prefer : new String[]{"handling=lenient", "handling=strict"}) {
            given().contentType(ContentType.JSON).header("Prefer", prefer).body(job("/ok", Map.of("country_code", "fr")))
                    .post("/jobs").then().statusCode(400)
                    .body("field", equalTo("apiParams.country_code"))
                    .body("error", equalTo("no proxy for country_code 'fr'"));
            given().contentType(ContentType.JSON).header("Prefer", prefer).body(job("/ok", Map.of("ultra_premium", true)))
                    .post("/jobs").then().statusCode(400)
                    .body("field", equalTo("apiParams.ultra_premium"));
            given().contentType(ContentType.JSON).header("Prefer", prefer)
                    .body(Map.of("apiKey", apiKey, "url", target.url("/ok"), "country_code", "de", "premium", true))
                    .post("/jobs").then().statusCode(400)
                    .body("field", equalTo("premium"))
                    .body("error", equalTo("no proxy of tier premium for country_code 'de'"));
        }
    }

    @Test
    void aSessionNumberKeepsItsProxy() {
        long session = Math.abs(UUID.randomUUID().getLeastSignificantBits() % 1_000_000);
        Set<String> proxies = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            proxies.add(servedBy(Map.of("country_code", "de", "session_number", session)));
        }
        assertThat(proxies, hasSize(1));
    }

    @Test
    void aRetryGoesThroughAnotherProxy() {
        String path = "/flaky/" + UUID.randomUUID() + "/1";
        JsonPath finished = ended(Api.submitJob(job(path, Map.of("country_code", "de"))));
        assertThat(finished.getInt("attempts"), equalTo(2));
        String url = target.url(path);
        assertThat(DE_1.requested(), hasItem(url));
        assertThat(DE_2.requested(), hasItem(url));
    }

    @Test
    void credentialsReachTheProxyButNoClientAndNoMeter() {
        JsonPath finished = ended(Api.submitJob(job("/ok", Map.of("country_code", "gb"))));
        assertThat(finished.getInt("response.statusCode"), equalTo(200));
        assertThat(finished.getString("response.headers.x-via-proxy"), equalTo("gb-auth"));
        String everything = finished.prettify() + given().get("/q/metrics").then().extract().asString();
        assertThat(everything, not(containsString("p@ss")));
        assertThat(everything, not(containsString("p%40ss")));
        assertThat(everything, not(containsString("scraper:")));
    }

    @Test
    void aProxyThatKeepsFailingRestsAndItsJobsFinishThroughAnother() {
        String dead = "proxy=\"http://127.0.0.1:" + ZZ_DEAD_PORT + "\"";
        // Jobs spread over both zz proxies by id, so within a few jobs two first attempts meet the dead one.
        for (int i = 0; i < 40 && !metrics().contains("gateway_proxy_resting{" + dead + "} 1.0"); i++) {
            assertThat(servedBy(Map.of("country_code", "zz")), equalTo("zz-live"));
        }
        assertThat(metrics(), containsString("gateway_proxy_resting{" + dead + "} 1.0"));
        for (int i = 0; i < 4; i++) {
            JsonPath finished = ended(Api.submitJob(job("/ok", Map.of("country_code", "zz"))));
            assertThat(finished.getInt("attempts"), equalTo(1));
        }
        assertThat(metrics(), containsString("gateway_proxy_attempts_total{outcome=\"failed\"," + dead + "} 2.0"));
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }
}
