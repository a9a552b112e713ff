package dev.asyncgateway.callback;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.HostileServer.Behaviour;
import dev.asyncgateway.testsupport.HostileServer;
import dev.asyncgateway.testsupport.TargetServer;
import dev.asyncgateway.testsupport.WebhookReceiver;
import dev.asyncgateway.testsupport.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Webhook receivers that misbehave at the HTTP or TCP level: each callback ends as a bounded failure
 * (three failed attempts, each logged with its error), and the gateway lets go of every connection.
 */
@QuarkusTest
class HostileReceiverTest {

    private static final Set<Behaviour> HOSTILE = EnumSet.of(Behaviour.SILENT, Behaviour.SLOW_HEADERS, Behaviour.TRICKLE,
            Behaviour.ENDLESS, Behaviour.RESET, Behaviour.HUGE_HEADERS);

    private static final HostileServer hostile = new HostileServer();

    @AfterAll
    static void stopServer() {
        hostile.close();
    }

    @Test
    void everyMisbehavingReceiverCostsThreeBoundedAttemptsAndNoLeakedConnection() {
        String apiKey = Api.newAccount();
        Map<String, Behaviour> behaviourByJob = new LinkedHashMap<>();
        for (Behaviour behaviour : HOSTILE) {
            behaviourByJob.put(submitWithCallback(apiKey, hostile.url(behaviour)), behaviour);
        }
        behaviourByJob.put(submitWithCallback(apiKey, hostile.untrustedTlsUrl()), Behaviour.OK);

        // Three attempts of at most the 2 s test timeout each, with short delays between, for every receiver.
        await("every callback to end").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(250))
                .until(() -> behaviourByJob.keySet().stream().allMatch(HostileReceiverTest::callbackEnded));
        behaviourByJob.forEach((jobId, behaviour) -> {
            String which = behaviour + " (job " + jobId + ")";
            assertEquals(3, number("select attempts from delivery where job_id = ? and status = 'failed'", jobId), which);
            assertEquals(3, number("select count(*) from delivery_attempt a join delivery d on d.id = a.delivery_id "
                    + "where d.job_id = ? and a.error_kind is not null and a.status_code is null", jobId), which);
        });
        await("connections to hostile receivers closed").atMost(Duration.ofSeconds(5))
                .until(() -> HOSTILE.stream().allMatch(behaviour -> hostile.openConnections(behaviour) == 0));
        assertEquals(0, hostile.requests(Behaviour.OK), "no callback may be sent over an untrusted connection");
    }

    /**
     * A NUL in the status line once made an error text PostgreSQL refuses, and the outcome batch holding it was
     * retried forever, taking every later outcome with it: healthy callbacks were delivered but stayed pending,
     * then were sent again when their lease ran out.
     */
    @Test
    void aReceiverAnsweringANulInItsStatusLineDoesNotHoldBackOtherCallbacks() {
        String apiKey = Api.newAccount();
        String nulReceiver = hostile.rawAnswerUrl("HTTP/1.1 2\0 00\r\n\r\n");
        String poisoned = submitWithCallback(apiKey, nulReceiver);
        await("the NUL receiver to be called").atMost(Duration.ofSeconds(10)).until(() -> hostile.rawRequests(nulReceiver) >= 1);

        WebhookReceiver healthy = WebhookReceiver.shared();
        String path = WebhookReceiver.newPath();
        List<String> jobs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            jobs.add(submitWithCallback(apiKey, healthy.url(path)));
        }

        await("every healthy callback to be recorded delivered").atMost(Duration.ofSeconds(15))
                .until(() -> jobs.stream().allMatch(job -> "delivered".equals(Api.job(job).extract().path("callback.status"))));
        assertEquals(10, healthy.requests(path).size(), "exactly one request per callback");
        await("the NUL receiver's callback to end").atMost(Duration.ofSeconds(15)).until(() -> callbackEnded(poisoned));
        assertEquals(1, number("select count(*) from delivery where job_id = ? and status = 'failed' and attempts = 3 "
                + "and last_error like 'malformed_response: %' and strpos(last_error, chr(65533)) > 0", poisoned),
                "failed after three attempts, the NUL shown as U+FFFD in its error");
    }

    private static String submitWithCallback(String apiKey, String callbackUrl) {
        return Webhooks.submitJob(apiKey, Map.of("url", TargetServer.get().url("/ok"), "callback", Webhooks.callback(callbackUrl)));
    }

    private static boolean callbackEnded(String jobId) {
        return number("select count(*) from delivery where job_id = ? and status <> 'pending'", jobId) == 1;
    }

    private static long number(String sql, String jobId) {
        try {
            return Webhooks.count(sql, UUID.fromString(jobId));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
