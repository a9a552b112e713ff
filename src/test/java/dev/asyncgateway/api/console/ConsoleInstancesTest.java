package dev.asyncgateway.api.console;

import dev.asyncgateway.runner.InstanceHeartbeat;
import dev.asyncgateway.testsupport.ConsoleSignIn;
import dev.asyncgateway.testsupport.TargetServer;
import dev.asyncgateway.testsupport.Webhooks;
import dev.asyncgateway.testsupport.Webhooks.TestAccount;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

/** The operator view lists every instance's work in flight from the heartbeat rows (V19). */
@QuarkusTest
class ConsoleInstancesTest {

    private static final Pattern CELL = Pattern.compile("<td[^>]*>(.*?)</td>", Pattern.DOTALL);
    private static final int SLOW_JOBS = 3;

    @Inject
    InstanceHeartbeat heartbeat;

    @Test
    void theServingInstanceShowsTheFetchesASlowTargetHolds() {
        TestAccount account = Webhooks.newAccount();
        String key = UUID.randomUUID().toString();
        for (int i = 0; i < SLOW_JOBS; i++) {
            // Slower than the test profile's 3 s attempt timeout: each attempt is in flight until it times out, then again.
            Webhooks.submitJob(account.apiKey(), Map.of("url", TargetServer.get().url("/slow/" + key + "/10000"),
                    "timeoutSec", 10));
        }
        String operator = ConsoleSignIn.asOperator();
        String self = heartbeat.instanceId().toString();

        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> {
            List<String> row = instanceRow(operatorPage(operator), self);
            assertThat(row.get(0), containsString("(this one)"));
            assertThat("jobs in flight", Integer.parseInt(row.get(4)), greaterThanOrEqualTo(SLOW_JOBS));
        });
    }

    @Test
    void otherInstancesAreListedStaleOnesMarkedAndLongGoneOnesRemoved() throws Exception {
        UUID other = UUID.randomUUID();
        UUID stale = UUID.randomUUID();
        UUID gone = UUID.randomUUID();
        insertHeartbeat(other, "other-host", "now()", 7, 2, 1);
        insertHeartbeat(stale, "crashed-host", "now() - interval '1 minute'", 4, 0, 0);
        insertHeartbeat(gone, "long-gone-host", "now() - interval '1 hour'", 1, 0, 0);
        String operator = ConsoleSignIn.asOperator();

        // Removal comes with this instance's next heartbeat (every second in the test profile).
        await().atMost(Duration.ofSeconds(5)).until(() -> instanceRow(operatorPage(operator), gone.toString()) == null);
        String page = operatorPage(operator);
        List<String> otherRow = instanceRow(page, other.toString());
        assertThat(otherRow.subList(4, 7), contains("7", "2", "1"));
        assertThat(otherRow.get(0), containsString("other-host"));
        assertThat(otherRow.get(0), not(containsString("(this one)")));
        assertThat(otherRow.get(3), not(containsString("stale")));
        assertThat(instanceRow(page, stale.toString()).get(3), containsString("(stale)"));
        assertThat(instanceRow(page, gone.toString()), nullValue());
    }

    private static void insertHeartbeat(UUID id, String host, String lastSeen, int jobs, int deliveries, int renders)
            throws Exception {
        Webhooks.execute("insert into instance_heartbeat (instance_id, host_name, started_at, last_seen_at, jobs_in_flight,"
                + " deliveries_in_flight, renders_in_flight) values (?, ?, now() - interval '2 hours', " + lastSeen
                + ", ?, ?, ?)", id, host, jobs, deliveries, renders);
    }

    private static String operatorPage(String cookie) {
        return given().cookie(ConsoleSignIn.COOKIE, cookie).get("/console/operator").then().statusCode(200)
                .extract().asString();
    }

    /** The cells of an instance's row (host, id, started, last seen, jobs, deliveries, renders), or null when not listed. */
    private static List<String> instanceRow(String page, String instanceId) {
        Matcher row = Pattern.compile("<tr class=\"instance[^\"]*\" data-instance=\"" + instanceId + "\">(.*?)</tr>",
                Pattern.DOTALL).matcher(page);
        if (!row.find()) {
            return null;
        }
        List<String> cells = new ArrayList<>();
        Matcher cell = CELL.matcher(row.group(1));
        while (cell.find()) {
            cells.add(cell.group(1).trim());
        }
        return cells;
    }
}
