package dev.asyncgateway.runner;

import dev.asyncgateway.testsupport.PackagedApp;
import dev.asyncgateway.testsupport.TargetServer;
import dev.asyncgateway.testsupport.TestDatabase;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM against the packaged gateway: readiness turns DOWN, a fetch that ends within the grace period
 * is recorded, and a fetch that does not is handed back to the queue, due at once.
 */
class GracefulShutdownIT {

    private static final String DATABASE = TestDatabase.NAME + "_shutdown";
    private static final String KEY = "shutdown-key";

    private final TargetServer target = TargetServer.get();

    @Test
    void shutdownFinishesShortFetchesAndHandsLongOnesBack() throws Exception {
        TestDatabase.recreate(DATABASE);
        try (PackagedApp app = PackagedApp.start(Map.of(
                "QUARKUS_DATASOURCE_REACTIVE_URL", TestDatabase.reactiveUrl(DATABASE),
                "GATEWAY_BOOTSTRAP_API_KEY", KEY,
                "GATEWAY_URL_POLICY_ALLOW_PRIVATE_NETWORKS", "true",
                "GATEWAY_RUNNER_SHUTDOWN_GRACE", "4s",
                "QUARKUS_SHUTDOWN_DELAY", "3s"), Duration.ofMinutes(3))) {
            await().atMost(Duration.ofMinutes(1)).until(() -> ready(app) == 200);
            String shortJob = submit(app, target.url("/slow/shutdown-short/1500"));
            String longJob = submit(app, target.url("/slow/shutdown-long/120000"));
            await().atMost(Duration.ofSeconds(30)).until(() -> target.hits("/slow/shutdown-short/1500") == 1
                    && target.hits("/slow/shutdown-long/120000") == 1);

            app.terminate();

            await().atMost(Duration.ofSeconds(3)).until(() -> ready(app) == 503);
            assertTrue(app.waitForExit(Duration.ofSeconds(30)), "the gateway exits within its grace period");
            assertTrue(app.output().contains("handed 1 unfinished job(s) back to the queue"), app.output());
            try (Connection db = TestDatabase.connect(DATABASE)) {
                assertEquals("finished", column(db, shortJob, "status"));
                assertEquals("running", column(db, longJob, "status"));
                assertEquals(null, column(db, longJob, "lease_token"));
                assertEquals("true", column(db, longJob, "due_at <= now()"));
            }
        }
    }

    private static int ready(PackagedApp app) {
        try {
            return given().baseUri(app.baseUrl()).get("/q/health/ready").statusCode();
        } catch (RuntimeException notListening) {
            return -1;
        }
    }

    private static String submit(PackagedApp app, String url) {
        return given().baseUri(app.baseUrl()).contentType(ContentType.JSON).body(Map.of("apiKey", KEY, "url", url))
                .post("/jobs").then().statusCode(200).extract().path("id");
    }

    private static String column(Connection db, String jobId, String expression) throws Exception {
        try (PreparedStatement query = db.prepareStatement("select (" + expression + ")::text from job where id = ?")) {
            query.setObject(1, UUID.fromString(jobId));
            try (ResultSet row = query.executeQuery()) {
                assertTrue(row.next(), "job " + jobId + " is stored");
                return row.getString(1);
            }
        }
    }
}
