package dev.asyncgateway.queue;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.Jobs;
import dev.asyncgateway.testsupport.TargetServer;
import dev.asyncgateway.testsupport.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * The connection that LISTENs for wake-ups is made with the datasource's settings, TLS and connect timeout
 * included, not from the bare URL. (The local PostgreSQL speaks no TLS, so the TLS mode set here is
 * {@code allow}, which connects in clear when the server offers no TLS; the options show it is applied.)
 */
@QuarkusTest
@TestProfile(ListenConnectionTest.Profile.class)
class ListenConnectionTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.datasource.reactive.postgresql.ssl-mode", "allow",
                    "quarkus.datasource.reactive.trust-all", "true",
                    "quarkus.datasource.reactive.hostname-verification-algorithm", "HTTPS",
                    "gateway.database.connect-timeout", "2500ms",
                    // Only a wake-up can then explain a job of another instance running promptly.
                    "gateway.runner.poll-interval", "1h");
        }
    }

    @Inject
    WakeUpSignal wakeUp;

    @Test
    void theListenConnectionIsMadeWithTheDatasourcesTlsAndTimeoutSettings() {
        PgConnectOptions options = wakeUp.listenOptions();

        assertThat(options.getSslMode(), equalTo(SslMode.ALLOW));
        assertThat(options.isTrustAll(), equalTo(true));
        assertThat(options.getHostnameVerificationAlgorithm(), equalTo("HTTPS"));
        assertThat(options.getConnectTimeout(), equalTo(2500));
        assertThat(options.getUser(), equalTo("postgres"));
        assertThat(options.getDatabase(), equalTo(TestDatabase.NAME));
    }

    @Test
    void aJobAddedByAnotherInstanceRunsOnItsNotification() throws Exception {
        String id = Jobs.insertDue("test-key", TargetServer.get().url("/ok"), null);
        try (Connection db = TestDatabase.connect()) {
            db.createStatement().execute("NOTIFY " + WakeUpSignal.JOBS);
        }
        // Any time far below the hour-long poll shows the notification arrived; the first request of a fresh
        // instance on a busy machine may itself take seconds.
        await().atMost(Duration.ofSeconds(30)).until(() -> Api.status(id).equals("finished"));
    }
}
