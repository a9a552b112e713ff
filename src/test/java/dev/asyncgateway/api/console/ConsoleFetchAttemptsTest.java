package dev.asyncgateway.api.console;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.ConsoleSignIn;
import dev.asyncgateway.testsupport.TargetServer;
import dev.asyncgateway.testsupport.Webhooks;
import dev.asyncgateway.testsupport.Webhooks.TestAccount;
import io.quarkus.test.junit.QuarkusTest;
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
import static org.hamcrest.Matchers.not;

/** The job page's timeline shows each fetch attempt with its outcome, from the row the completion statement wrote. */
@QuarkusTest
class ConsoleFetchAttemptsTest {

    private static final Pattern FETCH_ROW = Pattern.compile("<tr class=\"fetch\">(.*?)</tr>", Pattern.DOTALL);
    private static final Pattern CELL = Pattern.compile("<td[^>]*>(.*?)</td>", Pattern.DOTALL);

    @Test
    void aTargetThatFailsTwiceThenAnswersShowsThreeAttemptsWithTheirOutcomes() {
        TestAccount account = Webhooks.newAccount();
        String id = Webhooks.submitJob(account.apiKey(),
                Map.of("url", TargetServer.get().url("/flaky/" + UUID.randomUUID() + "/2")));
        await().atMost(Duration.ofSeconds(15)).until(() -> !Api.status(id).equals("running"));

        String page = given().cookie(ConsoleSignIn.COOKIE, ConsoleSignIn.withApiKey(account.apiKey()))
                .get("/console/jobs/" + id).then().statusCode(200).extract().asString();

        List<List<String>> rows = fetchRows(page);
        assertThat(rows.stream().map(row -> row.get(0) + " " + row.get(3) + " " + row.get(4)).toList(),
                contains("1 500 direct", "2 500 direct", "3 200 direct"));
        for (List<String> row : rows) {
            assertThat(row.get(1), containsString("UTC"));
            assertThat(row.get(2), containsString(" ms"));
        }
        assertThat(page, containsString("3 fetch attempts"));
        assertThat("all attempts are shown, so none is said to be missing", page, not(containsString("the last 3")));
    }

    @Test
    void theTimelineIsNotPartOfThePublicJobDocument() {
        TestAccount account = Webhooks.newAccount();
        String id = Webhooks.submitJob(account.apiKey(), Map.of());
        await().atMost(Duration.ofSeconds(15)).until(() -> !Api.status(id).equals("running"));
        assertThat(Api.job(id).extract().asString(), not(containsString("fetch_attempts")));
        assertThat(Api.job(id).extract().asString(), not(containsString("fetchAttempts")));
    }

    /** The cells of each fetch attempt row: number, start, duration, status or error, through. */
    private static List<List<String>> fetchRows(String page) {
        List<List<String>> rows = new ArrayList<>();
        Matcher row = FETCH_ROW.matcher(page);
        while (row.find()) {
            List<String> cells = new ArrayList<>();
            Matcher cell = CELL.matcher(row.group(1));
            while (cell.find()) {
                cells.add(cell.group(1).trim());
            }
            rows.add(cells);
        }
        return rows;
    }
}
