package dev.asyncgateway.hostile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.asyncgateway.testsupport.CleanJson;
import dev.asyncgateway.testsupport.HealthyTenant;
import dev.asyncgateway.testsupport.HostileServer.Behaviour;
import dev.asyncgateway.testsupport.HostileServer;
import dev.asyncgateway.testsupport.TargetServer;
import dev.asyncgateway.testsupport.WebhookReceiver.Answer;
import dev.asyncgateway.testsupport.WebhookReceiver.Received;
import dev.asyncgateway.testsupport.WebhookReceiver;
import dev.asyncgateway.testsupport.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile-peer suite: a zoo of targets and receivers that break HTTP in every way we know of, each used as a
 * job's target and as a job's callback receiver, while another tenant runs 1,000 jobs
 * with callbacks to a healthy receiver. Every hostile job and delivery must end with a clear stored reason and
 * clean text (no NUL, valid UTF-8, errors within 1 KB), and the healthy tenant's jobs must all finish and be
 * delivered after exactly one request each: one hostile peer must never hurt another tenant.
 * <p>
 * The whole zoo and the healthy tenant start together at the first test of the class ({@link ZooRun}); each test
 * then waits, within the run's budget, for what it checks, so every case reports on its own. Only 127.0.0.1 is
 * allowed ({@link HostilePeerProfile}), so a redirect to 127.0.0.2 or 169.254.169.254 is refused.
 */
@QuarkusTest
@TestProfile(HostilePeerProfile.class)
class HostilePeerSuiteTest {

    private static final int HEALTHY_JOBS = 1_000;
    /** About as long as the zoo's deliveries take (3 attempts, some cut off at the 5 s callback timeout). */
    private static final Duration HEALTHY_SPREAD = Duration.ofSeconds(15);
    /** Everything must have ended this long after the run started. */
    private static final Duration RUN_BUDGET = Duration.ofSeconds(90);
    /**
     * For jobs retried until their timeout: short, yet long enough for a busy machine to make at least one attempt
     * (the hanging receivers' three 5 s attempts take longer, so it does not lengthen the run).
     */
    private static final int RETRIED_JOB_TIMEOUT_SEC = 5;
    /** For jobs that end at their first answer. */
    private static final int JOB_TIMEOUT_SEC = 30;
    private static final int CALLBACK_MAX_ATTEMPTS = 3;
    private static final int ERROR_MAX_BYTES = 1024;
    private static final String TIMED_OUT = "failed_due_to_timeout";
    private static final Set<String> DELIVERY_ENDS = Set.of("delivered", "failed");

    private static final HostileServer hostile = new HostileServer();
    private static final WebhookReceiver otherOrigin = WebhookReceiver.start();
    private static ZooRun run;

    /**
     * The zoo. Raw answers are sent byte for byte (as ISO-8859-1, so the character U+00FF is the byte 0xFF), then
     * the connection is closed.
     */
    enum Peer {
        NUL_IN_STATUS_LINE(raw(withStatusLine("HTTP/1.1 2\0 00 OK")),
                JobEnd.failedAfterRetries(), DeliveryEnd.failedWithoutAnswer()),
        INVALID_UTF8_IN_STATUS_LINE(raw(withStatusLine("HTTP/1.1 200 \u00c3\u0028\u00ff\u00fe")),
                JobEnd.finished(200), DeliveryEnd.delivered()),
        NUL_IN_HEADER_NAME(raw(ok("X-Nul\0Name: v\r\n", "text/plain", "ok")),
                JobEnd.failedAfterRetries(), DeliveryEnd.failedWithoutAnswer()),
        INVALID_UTF8_IN_HEADER_NAME(raw(ok("X-\u00c3\u0028\u00ff: v\r\n", "text/plain", "ok")),
                JobEnd.failedAfterRetries(), DeliveryEnd.failedWithoutAnswer()),
        NUL_IN_HEADER_VALUE(raw(ok("X-Nul-Value: a\0b\r\n", "text/plain", "ok")),
                JobEnd.failedAfterRetries(), DeliveryEnd.failedWithoutAnswer()),
        INVALID_UTF8_IN_HEADER_VALUE(raw(ok("X-Bad-Value: \u00c3\u0028\u00ff\u00fe\r\n", "text/plain", "ok")),
                JobEnd.finished(200), DeliveryEnd.delivered()),
        NUL_IN_BODY(raw(ok("", "text/html; charset=utf-8", "<html><body><p>a\0b</p></body></html>")),
                JobEnd.finished(200), DeliveryEnd.delivered()),
        INVALID_UTF8_IN_BODY(raw(ok("", "text/html; charset=utf-8",
                "<html><body><p>\u00c3\u0028 \u00ff\u00fe \u00ed\u00a0\u0080</p></body></html>")),
                JobEnd.finished(200), DeliveryEnd.delivered()),
        NO_STATUS_LINE(raw("Content-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"),
                JobEnd.failedAfterRetries(), DeliveryEnd.failedWithoutAnswer()),
        HTTP_0_9_ANSWER(raw("<html><body>an HTTP/0.9 answer: a body and nothing else</body></html>"),
                JobEnd.failedAfterRetries(), DeliveryEnd.failedWithoutAnswer()),
        TEN_THOUSAND_HEADERS(raw(ok(manyHeaders(10_000), "text/plain", "ok")),
                JobEnd.failedAfterRetries(), DeliveryEnd.failedWithoutAnswer()),
        ONE_MEGABYTE_HEADER(raw(ok("X-Huge: " + "h".repeat(1 << 20) + "\r\n", "text/plain", "ok")),
                JobEnd.failedAfterRetries(), DeliveryEnd.failedWithoutAnswer()),
        STATUS_999(raw(withStatusLine("HTTP/1.1 999 Beyond")),
                JobEnd.failedAfterRetries(), DeliveryEnd.failedWithStatus(999)),
        STATUS_1(raw(withStatusLine("HTTP/1.1 1 Tiny")),
                JobEnd.finished(1), DeliveryEnd.failedWithStatus(1)),
        TLS_ON_A_PLAIN_PORT(raw(tlsServerHelloThenAlert()),
                JobEnd.failedAfterRetries(), DeliveryEnd.failedWithoutAnswer()),
        CLOSED_MID_HEADERS(raw("HTTP/1.1 200 OK\r\nContent-Type: text/pl"),
                JobEnd.failedAfterRetries(), DeliveryEnd.failedWithoutAnswer()),
        CLOSED_MID_BODY(raw("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nonly the start"),
                JobEnd.failedAfterRetries(), DeliveryEnd.failedWithoutAnswer()),
        SLOW_HEADERS(behaving(Behaviour.SLOW_HEADERS),
                JobEnd.failedAfterRetries(), DeliveryEnd.failedWithoutAnswer()),
        SLOW_DRIP_BODY(behaving(Behaviour.TRICKLE),
                JobEnd.failedAfterRetries(), DeliveryEnd.failedWithoutAnswer()),
        ENDLESS_CHUNKED_BODY(behaving(Behaviour.ENDLESS),
                JobEnd.failed("response_too_large"), DeliveryEnd.failedWithoutAnswer()),
        GZIP_BOMB(behaving(Behaviour.GZIP_BOMB),
                JobEnd.failed("response_too_large"), DeliveryEnd.delivered()),
        REDIRECT_LOOP(behaving(Behaviour.REDIRECT_LOOP),
                JobEnd.failed("too_many_redirects"), DeliveryEnd.failedWithStatus(302)),
        REDIRECT_TO_THE_METADATA_ADDRESS(raw(redirectTo("http://169.254.169.254/latest/meta-data/")),
                JobEnd.failed("blocked_by_url_policy"), DeliveryEnd.failedWithStatus(302)),
        REDIRECT_TO_A_REFUSED_LOOPBACK_ADDRESS(raw(redirectTo("http://127.0.0.2/")),
                JobEnd.failed("blocked_by_url_policy"), DeliveryEnd.failedWithStatus(302));

        private final Function<HostileServer, String> url;
        private final JobEnd asTarget;
        private final DeliveryEnd asReceiver;

        Peer(Function<HostileServer, String> url, JobEnd asTarget, DeliveryEnd asReceiver) {
            this.url = url;
            this.asTarget = asTarget;
            this.asReceiver = asReceiver;
        }

        /** A URL of its own for one use of the peer, so requests can be counted per use. */
        String newUrl(String use) {
            return url.apply(hostile) + "?as=" + use;
        }
    }

    /**
     * How a job whose target is the peer must end, as {@code GET /jobs/{id}} shows it. A job retried until its
     * timeout gets a short one, so that it ends soon; any other job gets room for a slow machine (its first answer
     * ends it, so the room costs nothing when all is well).
     */
    record JobEnd(String status, Integer statusCode, String failReason) {

        static JobEnd finished(int statusCode) {
            return new JobEnd("finished", statusCode, null);
        }

        /** Failed for a reason no retry can change. */
        static JobEnd failed(String failReason) {
            return new JobEnd("failed", null, failReason);
        }

        /** Every attempt failed and was retried until the job's timeout. */
        static JobEnd failedAfterRetries() {
            return failed(TIMED_OUT);
        }

        int timeoutSec() {
            return TIMED_OUT.equals(failReason) ? RETRIED_JOB_TIMEOUT_SEC : JOB_TIMEOUT_SEC;
        }

        void assertMetBy(JsonNode job) {
            String shown = shown(job);
            assertEquals(status, job.path("status").asText(), shown);
            if (statusCode != null) {
                assertEquals(statusCode, job.at("/response/statusCode").asInt(), shown);
                assertTrue(job.at("/response/body").isTextual() || job.at("/response/base64EncodedBody").isTextual(),
                        "the answer's body is stored, as text or base64: " + shown);
            } else {
                assertEquals(failReason, job.path("failReason").asText(), shown);
            }
            assertTrue(job.path("attempts").asInt() >= 1, "attempts: " + shown);
        }
    }

    /**
     * How a delivery to the peer must end, as the job and its attempt log show it: every attempt logged with what
     * happened (a status, or an error kind when there was no answer), the peer's own answer among them (on a slow
     * machine an attempt may also time out), and every error within 1 KB.
     */
    record DeliveryEnd(String status, Integer statusCode) {

        static DeliveryEnd delivered() {
            return new DeliveryEnd("delivered", 200);
        }

        static DeliveryEnd failedWithStatus(int statusCode) {
            return new DeliveryEnd("failed", statusCode);
        }

        /** No usable answer on any attempt. */
        static DeliveryEnd failedWithoutAnswer() {
            return new DeliveryEnd("failed", null);
        }

        void assertMetBy(JsonNode job, JsonNode attemptLog) {
            String shown = shown(job) + "\nattempt log: " + shown(attemptLog);
            assertEquals(status, job.at("/callback/status").asText(), shown);
            int attempts = job.at("/callback/attempts").asInt();
            if (status.equals("failed")) {
                assertEquals(CALLBACK_MAX_ATTEMPTS, attempts, "attempts: " + shown);
            } else {
                assertTrue(attempts >= 1 && attempts <= CALLBACK_MAX_ATTEMPTS, "attempts: " + shown);
            }
            List<JsonNode> logged = new ArrayList<>();
            attemptLog.path("attempts").forEach(logged::add);
            assertEquals(attempts, logged.size(), "attempts logged: " + shown);
            for (JsonNode attempt : logged) {
                assertTrue(attempt.path("statusCode").isInt() || !attempt.path("errorKind").asText().isBlank(),
                        "every attempt logs a status or an error kind: " + shown);
                if (!attempt.path("statusCode").isInt() || status.equals("failed")) {
                    assertFalse(attempt.path("error").asText().isBlank(), "a failed attempt says why: " + shown);
                }
                CleanJson.assertAtMostBytes(shown, attempt, "error", ERROR_MAX_BYTES);
            }
            if (statusCode == null) {
                assertTrue(logged.stream().noneMatch(attempt -> attempt.path("statusCode").isInt()), "no answer: " + shown);
            } else if (status.equals("delivered")) {
                assertEquals(statusCode, logged.get(logged.size() - 1).path("statusCode").asInt(), shown);
            } else {
                assertTrue(logged.stream().anyMatch(attempt -> attempt.path("statusCode").asInt() == statusCode),
                        "the receiver's HTTP " + statusCode + " is logged: " + shown);
            }
        }
    }

    /** A job submitted during the run, and the URL of the peer it uses. */
    record Use(String jobId, String url) {
    }

    /** Everything the suite starts at once: the zoo's jobs, the credentials redirect, and the healthy tenant. */
    private static final class ZooRun {
        final Instant deadline = Instant.now().plus(RUN_BUDGET);
        final Webhooks.TestAccount zooAccount = Webhooks.newAccount();
        final Map<Peer, Use> asTarget = new ConcurrentHashMap<>();
        final Map<Peer, Use> asReceiver = new ConcurrentHashMap<>();
        final String redirectFrom = WebhookReceiver.newPath();
        final String redirectTo = WebhookReceiver.newPath();
        final String credentialsJob;
        final HealthyTenant healthyTenant;

        ZooRun() {
            WebhookReceiver.shared().always(redirectFrom,
                    new Answer.Status(302, Map.of("Location", otherOrigin.url(redirectTo)), ""));
            credentialsJob = Webhooks.submitJob(zooAccount.apiKey(), Map.of("url", WebhookReceiver.shared().url(redirectFrom),
                    "apiParams", Map.of("keep_headers", true), "timeoutSec", JOB_TIMEOUT_SEC,
                    "headers", Map.of("Authorization", "Bearer s3cret", "Cookie", "c=1")));
            // All at once, so every peer misbehaves while the healthy tenant runs.
            ExecutorService clients = Executors.newFixedThreadPool(8);
            try {
                CompletableFuture.allOf(Arrays.stream(Peer.values()).flatMap(peer -> Stream.of(
                        CompletableFuture.runAsync(() -> asTarget.put(peer, use(peer, "target",
                                url -> Map.of("url", url, "timeoutSec", peer.asTarget.timeoutSec()))), clients),
                        CompletableFuture.runAsync(() -> asReceiver.put(peer, use(peer, "receiver",
                                url -> Map.of("url", TargetServer.get().url("/ok"), "callback", Webhooks.callback(url),
                                        "timeoutSec", JOB_TIMEOUT_SEC))), clients)))
                        .toArray(CompletableFuture[]::new)).join();
            } finally {
                clients.shutdown();
            }
            // While every peer is at work: the zoo's first answers come in as the tenant's first jobs run.
            healthyTenant = HealthyTenant.start(HEALTHY_JOBS, HEALTHY_SPREAD);
        }

        private Use use(Peer peer, String use, Function<String, Map<String, Object>> job) {
            String url = peer.newUrl(use);
            return new Use(Webhooks.submitJob(zooAccount.apiKey(), job.apply(url)), url);
        }

        Duration remaining() {
            Duration left = Duration.between(Instant.now(), deadline);
            return left.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : left;
        }
    }

    private static synchronized ZooRun run() {
        if (run == null) {
            run = new ZooRun();
        }
        return run;
    }

    @AfterAll
    static void stopPeers() {
        if (run != null) {
            run.healthyTenant.close();
        }
        otherOrigin.close();
        hostile.close();
    }

    @ParameterizedTest(name = "{0}, as a job''s target")
    @EnumSource(Peer.class)
    void jobOnAHostileTargetEndsWithAClearReasonAndOnlyCleanText(Peer peer) {
        Use use = run().asTarget.get(peer);

        JsonNode job = awaitJob(use.jobId(), ended -> !ended.path("status").asText().equals("running"));

        peer.asTarget.assertMetBy(job);
        assertTrue(hostile.requests(use.url()) >= 1, "the target was reached");
    }

    @ParameterizedTest(name = "{0}, as a callback receiver")
    @EnumSource(Peer.class)
    void deliveryToAHostileReceiverEndsWithAClearReasonAndOnlyCleanText(Peer peer) {
        Use use = run().asReceiver.get(peer);

        JsonNode job = awaitJob(use.jobId(), ended -> DELIVERY_ENDS.contains(ended.at("/callback/status").asText()));

        JsonNode attemptLog = CleanJson.parseClean("attempt log of job " + use.jobId(),
                Webhooks.as(run().zooAccount.apiKey()).get("/jobs/" + use.jobId() + "/callback/attempts")
                        .then().statusCode(200).extract().asByteArray());
        peer.asReceiver.assertMetBy(job, attemptLog);
        // Fewer requests than attempts when an attempt timed out waiting for a connection to this busy host:port.
        int requests = hostile.requests(use.url());
        assertTrue(requests >= 1 && requests <= job.at("/callback/attempts").asInt(), requests + " requests reached the receiver");
    }

    @Test
    void credentialsAreNotSentToTheOtherOriginARedirectLeadsTo() {
        ZooRun zoo = run();

        JsonNode job = awaitJob(zoo.credentialsJob, ended -> !ended.path("status").asText().equals("running"));

        assertEquals("finished", job.path("status").asText(), shown(job));
        assertEquals(otherOrigin.url(zoo.redirectTo), job.at("/response/finalUrl").asText(), shown(job));
        Received first = WebhookReceiver.shared().requests(zoo.redirectFrom).get(0);
        assertEquals("Bearer s3cret", first.header("authorization"), "the origin they were set for gets them");
        assertEquals("c=1", first.header("cookie"), "the origin they were set for gets them");
        List<Received> redirected = otherOrigin.requests(zoo.redirectTo);
        assertFalse(redirected.isEmpty(), "the redirect was followed");
        for (Received request : redirected) {
            assertNull(request.header("authorization"), "Authorization sent to another origin");
            assertNull(request.header("cookie"), "Cookie sent to another origin");
        }
    }

    @Test
    void anotherTenantsThousandJobsAllFinishAndAreDeliveredAfterExactlyOneRequestEach() {
        ZooRun zoo = run();

        zoo.healthyTenant.assertEveryJobFinishedAndDeliveredExactlyOnce(zoo.remaining());
    }

    /** Waits (within the run's budget) until the job as shown satisfies {@code ended}; returns it, checked clean. */
    private static JsonNode awaitJob(String id, Predicate<JsonNode> ended) {
        await("job " + id + " to end").atMost(run().remaining()).pollInterval(Duration.ofMillis(200))
                .until(() -> ended.test(job(id)));
        return job(id);
    }

    private static JsonNode job(String id) {
        return CleanJson.parseClean("job " + id, given().get("/jobs/" + id).then().statusCode(200).extract().asByteArray());
    }

    /** A JSON answer for a failure message, cut to a readable length. */
    private static String shown(JsonNode json) {
        String text = json.toString();
        return text.length() > 2000 ? text.substring(0, 2000) + "…" : text;
    }

    private static Function<HostileServer, String> raw(String answer) {
        return server -> server.rawAnswerUrl(answer);
    }

    private static Function<HostileServer, String> raw(byte[] answer) {
        return server -> server.rawAnswerUrl(answer);
    }

    private static Function<HostileServer, String> behaving(Behaviour behaviour) {
        return server -> server.url(behaviour);
    }

    private static String withStatusLine(String statusLine) {
        return statusLine + "\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok";
    }

    private static String ok(String headerLines, String contentType, String body) {
        return "HTTP/1.1 200 OK\r\n" + headerLines + "Content-Type: " + contentType + "\r\nContent-Length: "
                + body.getBytes(StandardCharsets.ISO_8859_1).length + "\r\n\r\n" + body;
    }

    private static String redirectTo(String location) {
        return "HTTP/1.1 302 Found\r\nLocation: " + location + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    }

    private static String manyHeaders(int count) {
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < count; i++) {
            headers.append("X-Header-").append(i).append(": v\r\n");
        }
        return headers.toString();
    }

    /**
     * What a TLS 1.2 server sends: a ServerHello record (its "random" is the bytes 0 to 31, so NUL, LF and CR are
     * among them), then a fatal handshake_failure alert.
     */
    private static byte[] tlsServerHelloThenAlert() {
        ByteBuffer bytes = ByteBuffer.allocate(5 + 42 + 7);
        bytes.put(new byte[] {0x16, 0x03, 0x03, 0x00, 42});          // handshake record, TLS 1.2, 42 bytes
        bytes.put(new byte[] {0x02, 0x00, 0x00, 38, 0x03, 0x03});    // ServerHello, 38 bytes, version 1.2
        for (int i = 0; i < 32; i++) {
            bytes.put((byte) i);                                      // random
        }
        bytes.put(new byte[] {0x00, (byte) 0xc0, 0x2f, 0x00});       // no session id, a cipher suite, no compression
        bytes.put(new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28}); // alert record: fatal, handshake_failure
        return bytes.array();
    }
}
