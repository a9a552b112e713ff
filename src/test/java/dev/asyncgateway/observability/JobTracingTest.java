package dev.asyncgateway.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.OtlpReceiver;
import dev.asyncgateway.testsupport.OtlpReceiver.Kind;
import dev.asyncgateway.testsupport.OtlpReceiver.Span;
import dev.asyncgateway.testsupport.TargetServer;
import dev.asyncgateway.testsupport.WebhookReceiver;
import dev.asyncgateway.testsupport.WebhookReceiver.Answer;
import dev.asyncgateway.testsupport.WebhookReceiver.Received;
import dev.asyncgateway.testsupport.Webhooks;
import dev.asyncgateway.testsupport.Webhooks.TestAccount;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One trace per job, as a real OTLP receiver gets it from the gateway's exporter: every step of a job in the trace its
 * submission started (or continued), the callback requests carrying it on, the targets not.
 */
@QuarkusTest
@TestProfile(JobTracingTest.Tracing.class)
class JobTracingTest {

    /** Tracing on, exported over OTLP/HTTP to the test receiver at once. */
    public static class Tracing implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.otel.sdk.disabled", "false",
                    "quarkus.otel.exporter.otlp.endpoint", OtlpReceiver.shared().endpoint(),
                    "quarkus.otel.exporter.otlp.traces.protocol", "http/protobuf",
                    "quarkus.otel.bsp.schedule.delay", "50ms");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration EXPORTED = Duration.ofSeconds(60);
    /** Bound of the wait for this application's first export (see {@link #exporterHasDeliveredOnce()}). */
    private static final Duration FIRST_EXPORT = Duration.ofMinutes(2);

    /** Set once the exporter has delivered a span of this application. */
    private static volatile boolean exporting;

    private final OtlpReceiver otlp = OtlpReceiver.shared();
    private final WebhookReceiver receiver = WebhookReceiver.shared();

    /**
     * In one CI run the first export after start-up took about a minute (the first two tests' spans were missing
     * after 30 s, every later test's arrived in seconds). The tests are about the trace's shape, not the exporter's
     * start, so they begin once one job's spans have arrived.
     */
    @BeforeEach
    void exporterHasDeliveredOnce() {
        if (!exporting) {
            String id = Api.submitJob(Map.of("apiKey", Api.newAccount(), "url", TargetServer.get().url("/ok")));
            await().atMost(FIRST_EXPORT).until(() -> !spansOf(id).isEmpty());
            exporting = true;
        }
    }

    @Test
    void everyStepOfAJobIsOneTraceContinuedFromTheSubmittedTraceparent() throws Exception {
        TestAccount account = Webhooks.newAccount();
        String traceId = randomHex(16);
        String clientSpanId = randomHex(8);
        String hook = WebhookReceiver.newPath();
        receiver.script(hook, Answer.status(500), Answer.status(503));
        String target = TargetServer.get().url("/flaky/" + UUID.randomUUID() + "/1");

        LogLines logs = LogLines.capture();
        String id;
        List<Received> callbacks;
        try {
            id = submit("/jobs", "00-" + traceId + "-" + clientSpanId + "-01", "vendor=abc",
                    Map.of("apiKey", account.apiKey(), "url", target, "callback", Webhooks.callback(receiver.url(hook))))
                    .path("id");
            callbacks = receiver.awaitRequests(hook, 3);
            await().atMost(EXPORTED).until(() -> logs.containing(id).stream().anyMatch(l -> l.message().contains("delivered")));
        } finally {
            logs.close();
        }
        // two fetch attempts and three callback attempts name the job
        await().atMost(EXPORTED).alias("five spans of the job; so far: " + OtlpReceiver.timeline(otlp.trace(traceId)))
                .until(() -> spansOf(id).size() >= 5);

        Api.job(id).statusCode(200).body("traceId", equalTo(traceId));
        Webhooks.as(account.apiKey()).get("/jobs/" + id + "/callback/attempts").then().statusCode(200)
                .body("traceId", equalTo(traceId));

        Span server = await().atMost(EXPORTED).until(() -> otlp.trace(traceId).stream()
                .filter(s -> s.kind() == Kind.SERVER && s.name().startsWith("POST")).findFirst(), java.util.Optional::isPresent).get();
        assertEquals(clientSpanId, server.parentSpanId(), "the submission continues the caller's span");

        List<Span> spans = spansOf(id);
        spans.forEach(span -> assertEquals(traceId, span.traceId(), span.name() + " is in the job's trace"));

        List<Span> fetches = byAttempt(spans.stream().filter(s -> s.kind() == Kind.CLIENT && s.name().equals("GET")).toList());
        assertEquals(2, fetches.size(), "one span per fetch attempt");
        assertTrue(spans.stream().noneMatch(s -> s.name().equals("job attempt")), "an attempt with a fetch is its fetch's span");
        assertEquals(List.of(1L, 2L), fetches.stream().map(s -> s.attribute("gateway.attempt")).toList());
        for (int i = 0; i < 2; i++) {
            assertEquals(server.spanId(), fetches.get(i).parentSpanId(), "an attempt hangs under the submission");
            assertEquals("GET", fetches.get(i).attribute("http.request.method"));
            assertEquals(target, fetches.get(i).attribute("url.full"));
            assertEquals("127.0.0.1", fetches.get(i).attribute("server.address"));
        }
        assertTrue(fetches.get(0).hasEvent("retry scheduled"));
        assertTrue(fetches.get(1).hasEvent("job ended"));
        assertEquals("finished", fetches.get(1).event("job ended").attributes().get("gateway.job.status"));
        assertEquals("finished", fetches.get(1).attribute("gateway.job.status"));
        assertEquals(500L, fetches.get(0).attribute("http.response.status_code"));
        assertEquals("500", fetches.get(0).attribute("error.type"));
        assertTrue(fetches.get(0).isError());
        assertEquals(200L, fetches.get(1).attribute("http.response.status_code"));
        assertEquals(1L, fetches.get(1).attribute("http.request.resend_count"));

        List<Span> deliveries = byAttempt(spans.stream().filter(s -> s.kind() == Kind.CLIENT && s.name().equals("POST")).toList());
        assertEquals(3, deliveries.size());
        assertEquals(List.of(500L, 503L, 200L), deliveries.stream().map(s -> s.attribute("http.response.status_code")).toList());
        assertEquals(List.of("retry", "retry", "delivered"), deliveries.stream().map(s -> s.attribute("gateway.delivery.verdict")).toList());
        for (int i = 0; i < 3; i++) {
            assertEquals(server.spanId(), deliveries.get(i).parentSpanId());
            assertEquals("00-" + traceId + "-" + deliveries.get(i).spanId() + "-01", callbacks.get(i).header("traceparent"),
                    "the receiver can continue the trace from the attempt's own span");
            assertEquals("vendor=abc", callbacks.get(i).header("tracestate"));
        }
        LogLines.Line ended = logs.containing("job " + id + " finished").get(0);
        assertEquals(traceId, ended.traceId(), "the job's log lines carry its trace id");
        assertEquals(server.spanId(), ended.spanId());
        LogLines.Line delivered = logs.containing(id).stream().filter(l -> l.message().contains("delivered")).findFirst().orElseThrow();
        assertEquals(traceId, delivered.traceId());
        assertEquals(deliveries.get(2).spanId(), delivered.spanId(), "a callback attempt's line names the attempt's span");

        String metrics = given().accept("application/openmetrics-text; version=1.0.0; charset=utf-8").get("/q/metrics")
                .then().statusCode(200).extract().asString();
        assertTrue(metrics.lines().anyMatch(line -> line.startsWith("gateway_fetch_attempts_seconds_bucket{outcome=\"5xx\"")
                && line.contains("trace_id=\"" + traceId + "\"")), "the failed fetch's latency links to its trace");
        // The README's picture of one job's trace comes from here.
        java.nio.file.Files.writeString(java.nio.file.Path.of("target", "job-trace-timeline.txt"),
                OtlpReceiver.timeline(otlp.trace(traceId)));
    }

    @Test
    void targetsGetNoTraceHeadersByDefault() throws Exception {
        String traceId = randomHex(16);
        String id = submit("/jobs", "00-" + traceId + "-" + randomHex(8) + "-01", null,
                Map.of("apiKey", Api.newAccount(), "url", TargetServer.get().url("/echo"))).path("id");
        await().atMost(Duration.ofSeconds(10)).until(() -> "finished".equals(Api.status(id)));

        JsonNode echoed = JSON.readTree(JSON.readTree(Api.job(id).extract().asString()).get("response").get("body").asText());
        assertFalse(echoed.get("headers").has("traceparent"), echoed.toString());
        assertFalse(echoed.get("headers").has("tracestate"), echoed.toString());
        await().atMost(EXPORTED).until(() -> !spansOf(id).isEmpty());
    }

    @Test
    void aFailedJobsAttemptCarriesItsFailReason() {
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("apiKey", Api.newAccount(), "url", TargetServer.get().url("/big/2000000")))
                .post("/jobs").then().statusCode(200).extract().path("id");

        Span attempt = await().atMost(EXPORTED).until(() -> spansOf(id).stream().filter(s -> s.hasEvent("job ended")).findFirst(),
                java.util.Optional::isPresent).get();
        assertEquals(Kind.CLIENT, attempt.kind(), "the attempt is its fetch's span");
        assertEquals("failed", attempt.attribute("gateway.job.status"));
        assertEquals("response_too_large", attempt.attribute("gateway.job.fail_reason"));
        assertEquals("response_too_large", attempt.event("job ended").attributes().get("gateway.job.fail_reason"));
        assertTrue(attempt.isError());
    }

    @Test
    void theLastFailedCallbackAttemptCarriesTheCallbackFailedEvent() {
        TestAccount account = Webhooks.newAccount();
        String hook = WebhookReceiver.newPath();
        receiver.always(hook, Answer.status(500));
        String id = Webhooks.submitJob(account.apiKey(), Map.of("callback", Webhooks.callback(receiver.url(hook))));

        await().atMost(EXPORTED).until(() -> spansOf(id).stream().anyMatch(s -> s.hasEvent("callback-failed")));
        List<Span> deliveries = byAttempt(spansOf(id).stream().filter(s -> s.name().equals("POST")).toList());
        assertEquals(3, deliveries.size());
        assertFalse(deliveries.get(1).hasEvent("callback-failed"));
        assertTrue(deliveries.get(2).hasEvent("callback-failed"));
        String traceId = Api.job(id).extract().path("traceId");
        assertEquals(32, traceId.length(), "a job submitted without traceparent starts a trace of its own");
        assertEquals(traceId, deliveries.get(2).traceId());
    }

    @Test
    void aBatchIsOneTraceAndItsEndIsAnEventInIt() {
        String apiKey = Api.newAccount();
        Map<String, Object> body = new HashMap<>();
        body.put("apiKey", apiKey);
        body.put("urls", List.of(TargetServer.get().url("/ok"), TargetServer.get().url("/ok?second")));
        var jobs = submit("/batchjobs", null, null, body);
        List<String> ids = jobs.path("id");
        String batchId = jobs.path("[0].batchId");
        String traceId = jobs.path("[0].traceId");
        assertEquals(traceId, jobs.path("[1].traceId"));

        Span finished = await().atMost(EXPORTED).until(() -> otlp.withAttribute("gateway.batch.id", batchId).stream()
                .filter(s -> s.name().equals("batch finished")).findFirst(), java.util.Optional::isPresent).get();
        assertTrue(finished.hasEvent("batch-finished"));
        assertEquals(traceId, finished.traceId());
        for (String id : ids) {
            Api.job(id).body("traceId", equalTo(traceId));
            assertTrue(spansOf(id).stream().allMatch(s -> s.traceId().equals(traceId)));
        }
    }

    @Test
    void anUnsampledSubmissionStoresNoTrace() {
        String id = submit("/jobs", "00-" + randomHex(16) + "-" + randomHex(8) + "-00", null,
                Map.of("apiKey", Api.newAccount(), "url", TargetServer.get().url("/ok"))).path("id");
        await().atMost(Duration.ofSeconds(10)).until(() -> "finished".equals(Api.status(id)));
        assertNull(Api.job(id).extract().path("traceId"));
    }

    private static io.restassured.response.ExtractableResponse<?> submit(String path, String traceparent, String tracestate,
                                                                        Map<String, Object> body) {
        var request = given().contentType(ContentType.JSON).body(body);
        if (traceparent != null) {
            request.header("traceparent", traceparent);
        }
        if (tracestate != null) {
            request.header("tracestate", tracestate);
        }
        return request.post(path).then().statusCode(200).extract();
    }

    private List<Span> spansOf(String jobId) {
        return otlp.withAttribute("gateway.job.id", jobId);
    }

    private static List<Span> byAttempt(List<Span> spans) {
        return spans.stream().sorted(Comparator.comparing(s -> (Long) s.attribute("gateway.attempt"))).toList();
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        random[0] |= 1; // never all zeros, which W3C makes invalid
        return HexFormat.of().formatHex(random);
    }
}
