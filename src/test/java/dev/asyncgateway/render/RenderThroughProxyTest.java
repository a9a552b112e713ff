package dev.asyncgateway.render;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.ForwardProxy;
import dev.asyncgateway.testsupport.Metrics;
import dev.asyncgateway.testsupport.PageServer;
import dev.asyncgateway.testsupport.SocksProxy;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rendered jobs with a proxy pool (real local forward and SOCKS5 proxies, real Chromium): the page's requests go
 * through the chosen proxy with its credentials, the URL policy still refuses what the page asks of a refused
 * address, and a proxy that cannot be reached counts against it as for a fetch. (Renders without a pool: {@link RenderTest}.)
 */
@QuarkusTest
@WithTestResource(RenderThroughProxyTest.Proxies.class)
class RenderThroughProxyTest {

    static final ForwardProxy US_WITH_CREDENTIALS = ForwardProxy.start("us-auth", "renderer", "s3cr3t pass");
    static final ForwardProxy ZZ_LIVE = ForwardProxy.start("zz-live");
    static final int ZZ_DEAD_PORT = ForwardProxy.unusedPort();
    static final SocksProxy SX_SOCKS = SocksProxy.start("socks user", "socks pass");

    /** The render settings of {@link RenderProfile} with a pool of the proxies above. */
    public static class Proxies implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            Map<String, String> settings = new HashMap<>(new RenderProfile().getConfigOverrides());
            settings.put("gateway.fetch.proxies", String.join(",",
                    "http://renderer:s3cr3t%20pass@127.0.0.1:" + US_WITH_CREDENTIALS.port() + "#country=us",
                    "http://127.0.0.1:" + ZZ_LIVE.port() + "#country=zz",
                    "http://127.0.0.1:" + ZZ_DEAD_PORT + "#country=zz",
                    "socks5://socks%20user:socks%20pass@127.0.0.1:" + SX_SOCKS.port() + "#country=sx"));
            settings.put("gateway.fetch.proxy-failures-before-rest", "1");
            settings.put("gateway.fetch.proxy-rest", "1h");
            return settings;
        }

        @Override
        public void stop() {
        }
    }

    private final PageServer pages = PageServer.on("127.0.0.1");

    private String render(String path, String country) {
        return Api.submitJob(Map.of("apiKey", Api.newAccount(), "url", pages.url(path),
                "apiParams", Map.of("render", true, "country_code", country)));
    }

    private static ExtractableResponse<Response> ended(String id) {
        await().atMost(Duration.ofSeconds(40)).until(() -> !Api.status(id).equals("running"));
        return Api.job(id).extract();
    }

    @Test
    void theRenderedPageIsLoadedThroughTheChosenProxyWithItsCredentials() {
        ExtractableResponse<Response> job = ended(render("/js?through=us", "us"));

        assertEquals("finished", job.path("status"), () -> String.valueOf(job.path("failReason")));
        assertEquals(200, (int) job.path("response.statusCode"));
        assertTrue(job.<String>path("response.body").contains("written by JavaScript"));
        assertEquals("us-auth", job.path("response.headers.'x-via-proxy'"));
        // The test proxy forwards only requests that carried its credentials (407 otherwise).
        assertTrue(US_WITH_CREDENTIALS.requested().contains(pages.url("/js?through=us")), US_WITH_CREDENTIALS.requested()::toString);

        String everything = job.asString() + given().get("/q/metrics").then().extract().asString();
        assertFalse(everything.contains("s3cr3t"), "the proxy's password is shown");
        assertFalse(everything.contains("renderer:"), "the proxy's user is shown");
    }

    /** Chromium cannot authenticate to SOCKS, but it only ever talks to the egress proxy, which can. */
    @Test
    void aSocksProxyWithCredentialsCarriesTheRender() {
        ExtractableResponse<Response> job = ended(render("/js?through=sx", "sx"));

        assertEquals("finished", job.path("status"), () -> String.valueOf(job.path("failReason")));
        assertTrue(job.<String>path("response.body").contains("written by JavaScript"));
        // The test proxy connects only for clients that sent its user name and password.
        String page = java.net.URI.create(pages.url("/")).getAuthority();
        assertTrue(SX_SOCKS.connected().contains(page), SX_SOCKS.connected()::toString);
    }

    /** The interception judges every request before it leaves for the proxy: a refused address is never asked for. */
    @Test
    void throughAProxyThePageStillCannotReachAnAddressTheUrlPolicyRefuses() {
        PageServer refused = PageServer.on("127.0.0.2");
        pages.refuse(refused);
        int before = refused.hits("*");

        ExtractableResponse<Response> job = ended(render("/leaky", "us"));

        assertEquals("finished", job.path("status"), () -> String.valueOf(job.path("failReason")));
        assertTrue(US_WITH_CREDENTIALS.requested().contains(pages.url("/leaky")));
        assertTrue(US_WITH_CREDENTIALS.requested().stream().noneMatch(uri -> uri.contains("127.0.0.2")),
                US_WITH_CREDENTIALS.requested()::toString);
        assertEquals(before, refused.hits("*"), "requests that reached the refused server");
    }

    /** A render through a proxy that refuses connections fails its attempt, counts against the proxy, and is retried. */
    @Test
    void aProxyThatCannotBeReachedCountsAgainstItAndTheRenderIsRetriedThroughAnother() {
        String failed = "gateway_proxy_attempts_total{outcome=\"failed\",proxy=\"http://127.0.0.1:" + ZZ_DEAD_PORT + "\"}";
        // Jobs spread over both zz proxies by id, so within a few jobs a first attempt meets the dead one.
        for (int i = 0; i < 20 && Metrics.value(failed) < 1; i++) {
            ExtractableResponse<Response> job = ended(render("/js", "zz"));
            assertEquals("finished", job.path("status"), () -> String.valueOf(job.path("failReason")));
            assertEquals("zz-live", job.path("response.headers.'x-via-proxy'"));
        }
        assertEquals(1.0, Metrics.value(failed));
        assertEquals(1.0, Metrics.value("gateway_proxy_resting{proxy=\"http://127.0.0.1:" + ZZ_DEAD_PORT + "\"}"));
    }
}
