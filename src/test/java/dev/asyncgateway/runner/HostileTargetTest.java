package dev.asyncgateway.runner;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.HostileServer;
import dev.asyncgateway.testsupport.HostileServer.Behaviour;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
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

    private static String submitAndAwaitEnd(String url) {
        String id = Api.submitJob(Map.of("apiKey", Api.newAccount(), "url", url, "timeoutSec", TIMEOUT_SEC));
        await("job " + id + " to end").atMost(Duration.ofSeconds(TIMEOUT_SEC).plus(SLACK)).pollInterval(Duration.ofMillis(100))
                .until(() -> !Api.status(id).equals("running"));
        return id;
    }
}
