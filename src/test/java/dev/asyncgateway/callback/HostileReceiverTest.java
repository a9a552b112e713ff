package dev.asyncgateway.callback;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.HostileServer;
import dev.asyncgateway.testsupport.HostileServer.Behaviour;
import dev.asyncgateway.testsupport.TargetServer;
import dev.asyncgateway.testsupport.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
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
