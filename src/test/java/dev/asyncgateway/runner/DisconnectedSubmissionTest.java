package dev.asyncgateway.runner;

import dev.asyncgateway.callback.DeliveryPoller;
import dev.asyncgateway.testsupport.Jobs;
import dev.asyncgateway.testsupport.Metrics;
import dev.asyncgateway.testsupport.TargetServer;
import dev.asyncgateway.testsupport.TestDatabase;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * A {@code POST /jobs} whose client hangs up while the insert waits: the fetch slot reserved for the job must
 * come back exactly once, whatever the insert then does. The inserts wait on a table lock the test holds; with
 * the fallback poll an hour away (the profile), no claim runs meanwhile, so the submission does reserve a slot.
 */
@QuarkusTest
@TestProfile(WakeUpAndRetentionTest.Profile.class)
class DisconnectedSubmissionTest {

    private static final String WAITING_INSERTS = "select count(*) from pg_stat_activity"
            + " where wait_event_type = 'Lock' and query like '%insert into job%' and datname = current_database()";

    private final TargetServer target = TargetServer.get();

    @TestHTTPResource("/jobs")
    URL jobs;

    @Inject
    JobPoller runner;

    @Inject
    DeliveryPoller deliveries;

    /** A slot is reserved only outside a claim: no claim for the previous test's work may overlap this test's. */
    @BeforeEach
    void runnersAreIdle() {
        await().atMost(Duration.ofSeconds(10)).until(() -> runner.idle() && deliveries.idle());
    }

    @Test
    void theSlotComesBackWhenTheInsertOfADisconnectedClientFails() throws Exception {
        String url = target.url("/ok?" + UUID.randomUUID());
        try (Connection lock = TestDatabase.connect()) {
            lock.setAutoCommit(false);
            lock.createStatement().execute("lock table job in exclusive mode");
            submitAndHangUpWhileTheInsertWaits(url);

            try (Connection admin = TestDatabase.connect()) {
                admin.createStatement().execute("select pg_cancel_backend(pid) from pg_stat_activity"
                        + " where wait_event_type = 'Lock' and query like '%insert into job%' and datname = current_database()");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> Jobs.count(WAITING_INSERTS) == 0);
            lock.rollback();
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> runner.inFlight() == 0);
        assertThat("nothing was stored", Jobs.count("select count(*) from job where url = ?", url), equalTo(0L));
    }

    @Test
    void aDisconnectedClientsJobStillRunsInItsSlotWhichIsHandedBackOnce() throws Exception {
        String url = target.url("/ok?" + UUID.randomUUID());
        try (Connection lock = TestDatabase.connect()) {
            lock.setAutoCommit(false);
            lock.createStatement().execute("lock table job in exclusive mode");
            submitAndHangUpWhileTheInsertWaits(url);
            lock.rollback();
        }

        await().atMost(Duration.ofSeconds(10)).until(() ->
                Jobs.count("select count(*) from job where url = ? and status = 'finished'", url) == 1);
        await().atMost(Duration.ofSeconds(5)).until(runner::idle);
        assertThat("the slot was neither kept nor handed back twice", runner.inFlight(), equalTo(0));
    }

    /** Sends the request over a socket of its own, waits until its insert waits for the lock, then closes the socket. */
    private void submitAndHangUpWhileTheInsertWaits(String url) throws Exception {
        byte[] body = ("{\"apiKey\":\"test-key\",\"url\":\"" + url + "\"}").getBytes(StandardCharsets.UTF_8);
        try (Socket client = new Socket(jobs.getHost(), jobs.getPort())) {
            OutputStream out = client.getOutputStream();
            out.write(("POST /jobs HTTP/1.1\r\nHost: " + jobs.getHost() + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            await().atMost(Duration.ofSeconds(5)).until(() -> Jobs.count(WAITING_INSERTS) == 1);
            assertThat("the submission reserved a fetch slot", runner.inFlight(), equalTo(1));
        }
        // Only the scrape itself is left: the server has seen the client go and cancelled the request.
        await().atMost(Duration.ofSeconds(5)).until(() -> Metrics.sum("http_server_active_requests") == 1);
    }
}
