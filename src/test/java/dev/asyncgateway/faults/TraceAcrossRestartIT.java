package dev.asyncgateway.faults;

import dev.asyncgateway.testsupport.GatewayProcess;
import dev.asyncgateway.testsupport.OtlpReceiver;
import dev.asyncgateway.testsupport.OtlpReceiver.Kind;
import dev.asyncgateway.testsupport.OtlpReceiver.Span;
import dev.asyncgateway.testsupport.ScratchDatabase;
import dev.asyncgateway.testsupport.TargetServer;
import dev.asyncgateway.testsupport.WebhookReceiver;
import dev.asyncgateway.testsupport.WebhookReceiver.Answer;
import dev.asyncgateway.testsupport.WebhookReceiver.Received;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kill -9} between a job's fetch and its callback: the instance that takes the callback over after the restart
 * sends it in the job's trace, read from the job row, not from any memory of the dead instance.
 */
class TraceAcrossRestartIT {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CLIENT_SPAN_ID = "00f067aa0ba902b7";

    @Test
    void theCallbackSentAfterACrashAndRestartIsInTheJobsTrace() {
        OtlpReceiver otlp = OtlpReceiver.shared();
        Map<String, String> tracing = Map.of(
                "QUARKUS_OTEL_SDK_DISABLED", "false",
                "QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint(),
                "QUARKUS_OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf",
                "QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "50ms");
        try (ScratchDatabase database = ScratchDatabase.create("trace_restart"); WebhookReceiver receiver = WebhookReceiver.start()) {
            String hook = WebhookReceiver.newPath();
            receiver.script(hook, new Answer.Hang());
            String id;
            try (GatewayProcess first = GatewayProcess.start("trace-first", database.reactiveUrl(), tracing)) {
                id = first.request().header("traceparent", "00-" + TRACE_ID + "-" + CLIENT_SPAN_ID + "-01")
                        .body(Map.of("apiKey", GatewayProcess.API_KEY, "url", TargetServer.get().url("/ok"),
                                "callback", Map.of("type", "webhook", "url", receiver.url(hook))))
                        .post("/jobs").then().statusCode(200).extract().path("id");
                receiver.awaitRequests(hook, 1);
                await("the fetch to be exported before the crash").atMost(Duration.ofSeconds(10))
                        .until(() -> otlp.trace(TRACE_ID).stream().anyMatch(s -> s.kind() == Kind.CLIENT && s.name().equals("GET")));
                first.kill();
            }
            try (GatewayProcess second = GatewayProcess.start("trace-second", database.reactiveUrl(), tracing)) {
                List<Received> callbacks = receiver.awaitRequests(hook, 2);
                Span retried = await("the second instance's callback span").atMost(Duration.ofSeconds(20))
                        .until(() -> otlp.withAttribute("gateway.job.id", id).stream()
                                .filter(s -> s.kind() == Kind.CLIENT && Long.valueOf(2).equals(s.attribute("gateway.attempt")))
                                .findFirst(), java.util.Optional::isPresent).get();
                assertEquals(TRACE_ID, retried.traceId(), "the restarted instance continues the job's trace");
                assertEquals("delivered", retried.attribute("gateway.delivery.verdict"));
                assertEquals("00-" + TRACE_ID + "-" + retried.spanId() + "-01", callbacks.get(1).header("traceparent"));
                assertTrue(callbacks.get(0).header("traceparent").startsWith("00-" + TRACE_ID + "-"),
                        "the dead instance's attempt was in the same trace");
                second.request().get("/jobs/" + id).then().statusCode(200)
                        .body("traceId", org.hamcrest.Matchers.equalTo(TRACE_ID));
            }
        }
    }
}
