package dev.asyncgateway.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A tenant who does nothing wrong, running next to whatever a test does to the gateway: an account of its own
 * submits jobs for a healthy target, spread over a period, each with a callback to a healthy receiver of its
 * own. It checks what the gateway owes such a tenant whatever other tenants' peers do: every job finishes, and
 * its callback is recorded {@code delivered} after exactly one request.
 */
public final class HealthyTenant implements AutoCloseable {

    private static final Duration WAVE_INTERVAL = Duration.ofMillis(200);
    private static final int CLIENT_THREADS = 8;
    private static final int API_PAGE = 50;
    private static final String ALL_GOOD = "finished, callback delivered";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int jobs;
    /** The gateway's address as the test that started the tenant sees it: between tests, RestAssured forgets it. */
    private final RequestSpecification gateway = new RequestSpecBuilder().setBaseUri(RestAssured.baseURI)
            .setPort(RestAssured.port).setContentType(ContentType.JSON).build();
    private final String apiKey = Api.newAccount();
    private final WebhookReceiver receiver = WebhookReceiver.start();
    private final String path = WebhookReceiver.newPath();
    private final ScheduledExecutorService waves = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService clients = Executors.newFixedThreadPool(CLIENT_THREADS);
    private final List<CompletableFuture<String>> submissions;

    private HealthyTenant(int jobs) {
        this.jobs = jobs;
        this.submissions = IntStream.range(0, jobs).mapToObj(i -> new CompletableFuture<String>()).toList();
    }

    /** Starts submitting {@code jobs} jobs now, in waves evenly spread over {@code spread}. */
    public static HealthyTenant start(int jobs, Duration spread) {
        HealthyTenant tenant = new HealthyTenant(jobs);
        int waveCount = (int) Math.max(1, spread.toMillis() / WAVE_INTERVAL.toMillis());
        for (int wave = 0; wave < waveCount; wave++) {
            int from = jobs * wave / waveCount;
            int to = jobs * (wave + 1) / waveCount;
            tenant.waves.schedule(() -> tenant.submit(from, to), wave * WAVE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        }
        return tenant;
    }

    /**
     * Waits (at most {@code atMost}) until every job was submitted, has finished and has its callback recorded
     * delivered, then checks the API shows exactly that and the receiver got exactly one request per job.
     */
    public void assertEveryJobFinishedAndDeliveredExactlyOnce(Duration atMost) {
        Instant deadline = Instant.now().plus(atMost);
        List<String> ids = submittedJobIds(deadline);
        await("every job of the healthy tenant to finish with its callback recorded delivered")
                .atMost(remaining(deadline)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertEquals(Map.of(ALL_GOOD, (long) jobs), outcomes(),
                        () -> "jobs by outcome; " + receiver.requests(path).size() + " callback requests received so far"));
        assertApiShowsEveryJobFinishedAndDeliveredAtTheFirstAttempt(ids);
        assertReceiverGotExactlyOneRequestPerJob(ids);
    }

    private void submit(int from, int to) {
        for (int i = from; i < to; i++) {
            int n = i;
            clients.execute(() -> {
                try {
                    submissions.get(n).complete(given(gateway).body(Map.of("apiKey", apiKey,
                                    "url", TargetServer.get().url("/ok"), "callback", Webhooks.callback(receiver.url(path)),
                                    "meta", Map.of("n", n)))
                            .post("/jobs").then().statusCode(200).extract().path("id"));
                } catch (Throwable e) {
                    submissions.get(n).completeExceptionally(e);
                }
            });
        }
    }

    private List<String> submittedJobIds(Instant deadline) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            try {
                ids.add(submissions.get(i).get(remaining(deadline).toMillis(), TimeUnit.MILLISECONDS));
            } catch (ExecutionException e) {
                fail("job " + i + " of the healthy tenant could not be submitted: " + e.getCause(), e.getCause());
            } catch (TimeoutException e) {
                fail("job " + i + " of the healthy tenant was not submitted in time");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
        return ids;
    }

    /** Jobs by "status, callback status" as stored: a diagnosis when the wait fails, not only a verdict. */
    private Map<String, Long> outcomes() throws SQLException {
        Map<String, Long> outcomes = new TreeMap<>();
        try (Connection db = TestDatabase.connect();
             PreparedStatement select = db.prepareStatement("""
                     select j.status || ', callback ' || coalesce(d.status, 'not queued'), count(*)
                     from job j left join delivery d on d.job_id = j.id
                     where j.account_id = ? group by 1""")) {
            select.setObject(1, Jobs.accountId(apiKey));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    outcomes.put(rows.getString(1), rows.getLong(2));
                }
            }
        }
        return outcomes;
    }

    private void assertApiShowsEveryJobFinishedAndDeliveredAtTheFirstAttempt(List<String> ids) {
        Map<String, String> shown = new TreeMap<>();
        String cursor = null;
        do {
            RequestSpecification request = Webhooks.as(apiKey).queryParam("limit", API_PAGE);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get("/jobs").then().statusCode(200).extract().jsonPath();
            List<Map<String, Object>> listed = page.getList("jobs");
            for (Map<String, Object> job : listed) {
                Object callback = job.get("callback");
                shown.put((String) job.get("id"), job.get("status") + ", callback " + (callback instanceof Map<?, ?> c
                        ? c.get("status") + " after " + c.get("attempts") + " attempt(s)" : "none"));
            }
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        assertEquals(ids.stream().sorted().toList(), List.copyOf(shown.keySet()), "the jobs the API lists");
        Map<String, Long> byOutcome = shown.values().stream().collect(Collectors.groupingBy(Function.identity(),
                TreeMap::new, Collectors.counting()));
        assertEquals(Map.of(ALL_GOOD + " after 1 attempt(s)", (long) jobs), byOutcome, "jobs by outcome, as the API shows them");
    }

    private void assertReceiverGotExactlyOneRequestPerJob(List<String> ids) {
        Map<String, Long> requestsPerJob = receiver.requests(path).stream()
                .collect(Collectors.groupingBy(request -> jobIdOf(request.body()), Collectors.counting()));
        Map<String, Long> notOnce = new TreeMap<>();
        ids.forEach(id -> {
            long requests = requestsPerJob.getOrDefault(id, 0L);
            if (requests != 1) {
                notOnce.put(id, requests);
            }
        });
        assertEquals(Map.of(), notOnce, () -> notOnce.size() + " of " + jobs + " jobs did not get exactly one callback request"
                + " (job id = requests; " + receiver.requests(path).size() + " requests in all)");
        assertEquals(jobs, receiver.requests(path).size(), "callback requests in all, including any for unknown jobs");
    }

    private static String jobIdOf(String callbackBody) {
        try {
            JsonNode id = JSON.readTree(callbackBody).get("id");
            return id == null ? "(a body without an id)" : UUID.fromString(id.asText()).toString();
        } catch (IOException e) {
            throw new UncheckedIOException("a callback body that is not JSON: " + callbackBody, e);
        }
    }

    private static Duration remaining(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : left;
    }

    @Override
    public void close() {
        waves.shutdownNow();
        clients.shutdownNow();
        receiver.close();
    }
}
