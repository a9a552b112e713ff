package dev.asyncgateway.runner;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.HostileServer.Behaviour;
import dev.asyncgateway.testsupport.HostileServer;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Targets that misbehave at the HTTP or TCP level: each job ends as a bounded failure (retried
 * until its {@code timeoutSec}, or failed at once when retrying cannot help), and the gateway lets
 * go of every connection it opened.
 */
@QuarkusTest
class HostileTargetTest {

    private static final int TIMEOUT_SEC = 2;
    /** Time to end a job past its deadline (a claim poll and a completion write), with room for a busy machine. */
    private static final Duration SLACK = Duration.ofSeconds(8);

    private static final HostileServer hostile = new HostileServer();

    @AfterAll
    static void stopServer() {
        hostile.close();
    }

    @ParameterizedTest(name = "{0} ends as {1}")
    @CsvSource({
            "SILENT,       failed_due_to_timeout",
            "SLOW_HEADERS, failed_due_to_timeout",
            "TRICKLE,      failed_due_to_timeout",
            "RESET,        failed_due_to_timeout",
            "HUGE_HEADERS, failed_due_to_timeout",
            "ENDLESS,      response_too_large",
    })
    void misbehavingTargetEndsAsBoundedFailureWithoutLeakingConnections(Behaviour behaviour, String failReason) {
        String id = submitAndAwaitEnd(hostile.url(behaviour));

        Api.job(id).body("status", equalTo("failed")).body("failReason", equalTo(failReason))
                .body("attempts", greaterThanOrEqualTo(1));
        assertTrue(hostile.requests(behaviour) >= 1, "the target was reached");
        await("connections to " + behaviour + " closed").atMost(Duration.ofSeconds(5))
                .until(() -> hostile.openConnections(behaviour) == 0);
    }

    @Test
    void targetWithUntrustedCertificateIsNeverFetchedAndEndsAtItsTimeout() {
        String id = submitAndAwaitEnd(hostile.untrustedTlsUrl());

        Api.job(id).body("status", equalTo("failed")).body("failReason", equalTo("failed_due_to_timeout"));
        assertEquals(0, hostile.requests(Behaviour.OK), "no request may be sent over an untrusted connection");
    }

    @Test
    void pageWithANulByteAndInvalidUtf8FinishesWithItsExactBytes() {
        byte[] body = {'<', 'p', '>', 'a', 0, 'b', (byte) 0xff, (byte) 0xfe, '<', '/', 'p', '>'};
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " + body.length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        String id = submitAndAwaitEnd(hostile.rawAnswerUrl(concat(head, body)));

        Api.job(id).body("status", equalTo("finished")).body("attempts", equalTo(1))
                .body("response.statusCode", equalTo(200))
                .body("response.base64EncodedBody", equalTo(Base64.getEncoder().encodeToString(body)));
    }

    @Test
    void aConversionAskedForWorksOnThePageAsABrowserWouldShowIt() {
        byte[] body = {'<', 'p', '>', 'a', 0, 'b', (byte) 0xff, '<', '/', 'p', '>'};
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        String id = Api.submitJob(Map.of("apiKey", Api.newAccount(), "url", hostile.rawAnswerUrl(concat(head, body)),
                "timeoutSec", TIMEOUT_SEC, "apiParams", Map.of("output_format", "text")));
        await("job " + id + " to end").atMost(Duration.ofSeconds(TIMEOUT_SEC).plus(SLACK)).pollInterval(Duration.ofMillis(100))
                .until(() -> !Api.status(id).equals("running"));

        String text = Api.job(id).body("status", equalTo("finished")).extract().path("response.body");
        assertTrue(text.startsWith("a") && text.contains("b") && text.indexOf(0) < 0, text);
    }

    @Test
    void headersAreStoredCleanedAndBounded() {
        // Header bytes are read as ISO-8859-1: 6,000 of 0xE9 are 12,000 bytes once stored as UTF-8.
        String longValue = "\u00e9".repeat(6000);
        String id = submitAndAwaitEnd(hostile.rawAnswerUrl("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Long: "
                + longValue + "\r\nContent-Length: 2\r\n\r\nok"));

        String stored = Api.job(id).body("status", equalTo("finished")).extract().path("response.headers.x-long");
        assertTrue(stored.getBytes(StandardCharsets.UTF_8).length <= 8192, "at most gateway's header bound");
        assertTrue(stored.startsWith("\u00e9\u00e9") && stored.endsWith("…"), "cut, and marked as cut");
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] all = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }

    private static String submitAndAwaitEnd(String url) {
        String id = Api.submitJob(Map.of("apiKey", Api.newAccount(), "url", url, "timeoutSec", TIMEOUT_SEC));
        await("job " + id + " to end").atMost(Duration.ofSeconds(TIMEOUT_SEC).plus(SLACK)).pollInterval(Duration.ofMillis(100))
                .until(() -> !Api.status(id).equals("running"));
        return id;
    }
}
