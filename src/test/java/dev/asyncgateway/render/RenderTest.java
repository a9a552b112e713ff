package dev.asyncgateway.render;

import dev.asyncgateway.outbound.UrlPolicyViolation;
import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.Metrics;
import dev.asyncgateway.testsupport.PageServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Jobs with {@code render} in a real headless Chromium, against pages served on 127.0.0.1. */
@QuarkusTest
@TestProfile(RenderProfile.class)
class RenderTest {

    private static final String CRASHED = "gateway_render_attempts_seconds_count{outcome=\"renderer_crashed\"}";
    private static final String FAILED_TLS = "gateway_render_attempts_seconds_count{outcome=\"tls\"}";
    private static final String RENDERED_2XX = "gateway_render_attempts_seconds_count{outcome=\"2xx\"}";
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private final PageServer pages = PageServer.on("127.0.0.1");

    private String render(String key, String path, Map<String, Object> more) {
        Map<String, Object> params = new java.util.HashMap<>(Map.of("render", true));
        params.putAll(more);
        return Api.submitJob(Map.of("apiKey", key, "url", pages.url(path), "apiParams", params));
    }

    /** {@code count} renders, of one new account, of a page whose image the server holds for {@code ms}. */
    private List<String> holdingPages(int count, int ms) {
        String key = Api.newAccount();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(render(key, "/holding-page?ms=" + ms, Map.of()));
        }
        return ids;
    }

    private static ExtractableResponse<Response> ended(String id, Duration within) {
        await().atMost(within).until(() -> !Api.status(id).equals("running"));
        return Api.job(id).extract();
    }

    @Test
    void theBodyIsTheDomAfterJavaScriptRan() {
        String id = render(Api.newAccount(), "/redirect-js", Map.of());

        ExtractableResponse<Response> job = ended(id, Duration.ofSeconds(30));
        assertEquals("finished", job.path("status"));
        assertEquals(200, (int) job.path("response.statusCode"));
        String body = job.path("response.body");
        assertTrue(body.contains("written by JavaScript"), body);
        assertEquals(pages.url("/js"), job.path("response.headers.'sa-final-url'"));
        assertEquals("text/html; charset=utf-8", job.path("response.headers.'content-type'"));
    }

    /**
     * An https page: the browser tunnels through the egress proxy ({@code CONNECT}) and TLS runs end to end between
     * Chromium and the page server (whose self-signed certificate {@link RenderProfile}'s Chromium accepts).
     */
    @Test
    void anHttpsPageIsRenderedThroughTheEgressTunnel() {
        PageServer secure = PageServer.tls();
        String id = Api.submitJob(Map.of("apiKey", Api.newAccount(), "url", secure.url("/js"), "apiParams", Map.of("render", true)));

        ExtractableResponse<Response> job = ended(id, Duration.ofSeconds(30));
        assertEquals("finished", job.path("status"), () -> String.valueOf(job.path("failReason")));
        String body = job.path("response.body");
        assertTrue(body.contains("written by JavaScript"), body);
        assertEquals(secure.url("/js"), job.path("response.headers.'sa-final-url'"));
        assertEquals(1, secure.hits("/js"));
    }

    /**
     * An https URL of a server that speaks plain HTTP: the TLS handshake fails, and each attempt fails as a fetch's
     * would, {@code tls}, until the job's deadline.
     */
    @Test
    void aPageWhoseTlsHandshakeFailsIsAttemptedAsTls() {
        double before = Metrics.value(FAILED_TLS);
        String id = Api.submitJob(Map.of("apiKey", Api.newAccount(), "url", pages.url("/js").replace("http://", "https://"),
                "apiParams", Map.of("render", true), "timeoutSec", 3));

        ExtractableResponse<Response> job = ended(id, Duration.ofSeconds(30));
        assertEquals("failed", job.path("status"));
        assertTrue(Metrics.value(FAILED_TLS) > before, "render attempts that failed as tls");
    }

    @Test
    void outputFormatTextAppliesToTheRenderedDom() {
        String id = render(Api.newAccount(), "/js", Map.of("output_format", "text"));

        ExtractableResponse<Response> job = ended(id, Duration.ofSeconds(30));
        assertEquals("finished", job.path("status"));
        assertEquals("page written by JavaScript", job.path("response.body"));
    }

    @Test
    void waitForSelectorWaitsForALateElement() {
        String id = render(Api.newAccount(), "/late", Map.of("wait_for_selector", "#root > p#late"));

        ExtractableResponse<Response> job = ended(id, Duration.ofSeconds(30));
        assertEquals("finished", job.path("status"));
        assertTrue(job.<String>path("response.body").contains("arrived late"));
        assertEquals(1, (int) job.path("attempts"));
    }

    @Test
    void aSelectorThatNeverMatchesIsRetriedUntilTheDeadline() {
        String key = Api.newAccount();
        String id = Api.submitJob(Map.of("apiKey", key, "url", pages.url("/js"), "timeoutSec", 14,
                "apiParams", Map.of("wait_for_selector", "#never-there")));

        ExtractableResponse<Response> job = ended(id, Duration.ofSeconds(30));
        assertEquals("failed", job.path("status"));
        assertEquals("failed_due_to_timeout", job.path("failReason"));
        assertTrue((int) job.path("attempts") >= 2, "attempts: " + job.path("attempts"));
    }

    @Test
    void anInvalidSelectorFailsTheJobAtOnce() {
        String id = render(Api.newAccount(), "/js", Map.of("wait_for_selector", "p[[["));

        ExtractableResponse<Response> job = ended(id, Duration.ofSeconds(30));
        assertEquals("failed", job.path("status"));
        assertEquals("invalid_selector", job.path("failReason"));
    }

    @Test
    void theScreenshotIsServedAsAPngAtTheUrlOfItsHeader() {
        String id = Api.submitJob(Map.of("apiKey", Api.newAccount(), "url", pages.url("/js"), "apiParams", Map.of("screenshot", true)));

        ExtractableResponse<Response> job = ended(id, Duration.ofSeconds(30));
        assertEquals("finished", job.path("status"));
        String statusUrl = job.path("statusUrl");
        assertEquals(statusUrl + "/screenshot", job.path("response.headers.'sa-screenshot'"));
        byte[] png = given().get("/jobs/" + id + "/screenshot").then().statusCode(200)
                .contentType("image/png").extract().asByteArray();
        byte[] head = new byte[PNG_MAGIC.length];
        System.arraycopy(png, 0, head, 0, head.length);
        assertArrayEquals(PNG_MAGIC, head);
    }

    @Test
    void aJobWithoutScreenshotHasNone() {
        String id = render(Api.newAccount(), "/js", Map.of());
        ended(id, Duration.ofSeconds(30));
        given().get("/jobs/" + id + "/screenshot").then().statusCode(404).body("error", containsString("screenshot"));
        Api.job(id).body("response.headers", not(org.hamcrest.Matchers.hasKey("sa-screenshot")));
    }

    @Test
    void mobileDeviceGetsAMobileViewportTouchAndUserAgent() {
        String id = render(Api.newAccount(), "/device", Map.of("device_type", "mobile"));

        String body = ended(id, Duration.ofSeconds(30)).path("response.body");
        assertTrue(body.contains("width=390 touch=5 ua=Mozilla/5.0 (iPhone"), body);
    }

    @Test
    void desktopIsTheDefault() {
        String id = render(Api.newAccount(), "/device", Map.of());

        String body = ended(id, Duration.ofSeconds(30)).path("response.body");
        assertTrue(body.contains("width=1366 touch=0 ua=Mozilla/5.0 (Windows NT 10.0"), body);
    }

    /** Two jobs of two accounts: what the first page stored (a cookie, localStorage) is unknown to the second. */
    @Test
    void jobsShareNoCookiesNorStorage() {
        String first = render(Api.newAccount(), "/visit", Map.of());
        assertEquals("finished", ended(first, Duration.ofSeconds(30)).path("status"));
        String second = render(Api.newAccount(), "/visit", Map.of());

        String body = ended(second, Duration.ofSeconds(30)).path("response.body");
        assertTrue(body.contains("cookie=null"), body);
        assertTrue(body.contains("stored=null"), body);
    }

    @Test
    void aPageThatNeverStopsItsTimersStillFinishes() {
        String id = render(Api.newAccount(), "/interval", Map.of());
        assertEquals("finished", ended(id, Duration.ofSeconds(30)).path("status"));
    }

    @Test
    void aPageThatNeverFinishesLoadingFailsItsAttemptsUntilTheDeadline() {
        String id = Api.submitJob(Map.of("apiKey", Api.newAccount(), "url", pages.url("/never"), "timeoutSec", 4,
                "apiParams", Map.of("render", true)));

        ExtractableResponse<Response> job = ended(id, Duration.ofSeconds(30));
        assertEquals("failed_due_to_timeout", job.path("failReason"));
    }

    @Test
    void rendersNeverExceedTheirConcurrency() {
        List<String> ids = holdingPages(4, 1000);
        for (String id : ids) {
            assertEquals("finished", ended(id, Duration.ofSeconds(60)).path("status"));
        }
        assertTrue(pages.maxHolding() <= 2, "pages at once: " + pages.maxHolding());
        assertEquals(2, pages.maxHolding());
    }

    /** Eight 3-second pages on two: the last ones wait 9 s, past the 10 s attempt timeout once their page is done. */
    @Test
    void rendersWaitingForAPageDoNotUseUpTheirAttempt() {
        List<String> ids = holdingPages(8, 3000);
        for (String id : ids) {
            ExtractableResponse<Response> job = ended(id, Duration.ofSeconds(90));
            assertEquals("finished", job.path("status"));
            assertEquals(1, (int) job.path("attempts"), "job " + id + " was retried");
        }
    }

    @Test
    void aPageMakingTooManyRequestsFails() {
        String id = render(Api.newAccount(), "/many", Map.of());

        ExtractableResponse<Response> job = ended(id, Duration.ofSeconds(30));
        assertEquals("failed", job.path("status"));
        assertEquals("page_too_large", job.path("failReason"));
    }

    /** Images, fetch, iframes, WebSockets, redirects and script navigations towards a refused address never reach it. */
    @Test
    void thePageCannotReachAnAddressTheUrlPolicyRefuses() {
        PageServer refused = PageServer.on("127.0.0.2");
        pages.refuse(refused);

        String id = render(Api.newAccount(), "/leaky", Map.of());
        ExtractableResponse<Response> job = ended(id, Duration.ofSeconds(30));
        assertEquals("finished", job.path("status"), () -> String.valueOf(job.path("failReason")));
        assertTrue(job.<String>path("response.body").contains("leaky"));

        String away = render(Api.newAccount(), "/redirect-away", Map.of());
        ExtractableResponse<Response> redirected = ended(away, Duration.ofSeconds(30));
        assertEquals("failed", redirected.path("status"));
        assertEquals(UrlPolicyViolation.FAIL_REASON, redirected.path("failReason"));
        assertEquals(1, (int) redirected.path("attempts"));

        String navigating = render(Api.newAccount(), "/navigate-away", Map.of());
        ended(navigating, Duration.ofSeconds(30));

        assertEquals(0, refused.hits("*"), "requests that reached the refused server");
    }

    /** Chromium killed mid-render: that attempt fails, the browser is started again, and the job finishes. */
    @Test
    void aKilledBrowserIsRestartedAndTheJobFinishes() {
        double restartsBefore = Metrics.value("gateway_render_browser_restarts_total");
        String warm = render(Api.newAccount(), "/js", Map.of());
        assertEquals("finished", ended(warm, Duration.ofSeconds(30)).path("status"));

        String id = render(Api.newAccount(), "/holding-page?ms=3000", Map.of());
        int before = pages.hits("/hold");
        await().atMost(Duration.ofSeconds(20)).until(() -> pages.hits("/hold") > before);
        ProcessHandle browser = chromium().orElseThrow();
        browser.destroyForcibly();

        ExtractableResponse<Response> job = ended(id, Duration.ofSeconds(60));
        assertEquals("finished", job.path("status"));
        assertTrue((int) job.path("attempts") >= 2);
        assertTrue(chromium().map(ProcessHandle::pid).orElseThrow() != browser.pid(), "a new browser");
        assertTrue(Metrics.value("gateway_render_browser_restarts_total") > restartsBefore, "browser restarts counted");
    }

    /**
     * A page that allocates without end crashes its renderer at the heap cap: that attempt fails and is retried (the
     * page is plain on the second visit), and a render of another job at the same time is not disturbed.
     */
    @Test
    void aPageThatExhaustsMemoryCrashesOnlyItsRendererAndItsJobIsRetried() {
        double crashesBefore = Metrics.value(CRASHED);
        String hog = render(Api.newAccount(), "/hog?key=" + java.util.UUID.randomUUID(), Map.of());
        String neighbour = render(Api.newAccount(), "/holding-page?ms=1500", Map.of());

        ExtractableResponse<Response> hogJob = ended(hog, Duration.ofSeconds(60));
        assertEquals("finished", hogJob.path("status"), () -> String.valueOf(hogJob.path("failReason")));
        assertEquals(2, (int) hogJob.path("attempts"));
        assertTrue(hogJob.<String>path("response.body").contains("recovered"));
        ExtractableResponse<Response> neighbourJob = ended(neighbour, Duration.ofSeconds(60));
        assertEquals("finished", neighbourJob.path("status"), () -> String.valueOf(neighbourJob.path("failReason")));
        assertEquals(1, (int) neighbourJob.path("attempts"));
        assertTrue(Metrics.value(CRASHED) > crashesBefore, "renders that crashed their renderer");
    }

    /** Pages in use and renders waiting while four renders share two pages; then each render by outcome. */
    @Test
    void renderMetersShowPagesInUseRendersWaitingAndOutcomes() {
        double before = Metrics.value(RENDERED_2XX);
        List<String> ids = holdingPages(4, 2000);
        await().atMost(Duration.ofSeconds(30)).until(() -> Metrics.value("gateway_render_pages{state=\"in_use\"}") == 2
                && Metrics.value("gateway_render_pages{state=\"waiting\"}") >= 1);
        for (String id : ids) {
            assertEquals("finished", ended(id, Duration.ofSeconds(60)).path("status"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Metrics.value("gateway_render_pages{state=\"in_use\"}") == 0);
        assertEquals(0, Metrics.value("gateway_render_pages{state=\"waiting\"}"));
        assertTrue(Metrics.value(RENDERED_2XX) >= before + 4, "renders counted: " + (Metrics.value(RENDERED_2XX) - before));
        assertTrue(Metrics.value("gateway_render_attempts_seconds_sum{outcome=\"2xx\"}") >= 4 * 2.0, "render time counted");
    }

    /** The browser process this test JVM started (Chromium's own children are below it). */
    private static Optional<ProcessHandle> chromium() {
        return ProcessHandle.current().children()
                .filter(p -> p.isAlive() && p.info().commandLine().orElse("").contains("--remote-debugging-port=0"))
                .findFirst();
    }

    @Test
    void withoutRenderTheTargetIsFetchedAsBefore() {
        String id = Api.submitJob(Map.of("apiKey", Api.newAccount(), "url", pages.url("/js")));
        String body = ended(id, Duration.ofSeconds(30)).path("response.body");
        assertTrue(body.contains(">shell<"), body);
        Api.job(id).body("response.statusCode", equalTo(200)).body("attempts", greaterThan(0));
    }
}
