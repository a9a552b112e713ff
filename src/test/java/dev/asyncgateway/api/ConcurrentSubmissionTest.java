package dev.asyncgateway.api;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.Jobs;
import dev.asyncgateway.testsupport.Metrics;
import dev.asyncgateway.testsupport.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Concurrent {@code POST /jobs} requests share inserts (group commit); each must still get back its own
 * job, committed with exactly its own settings, whichever neighbours it was written with.
 */
@QuarkusTest
class ConcurrentSubmissionTest {

    private static final int REQUESTS = 96;

    /** Short, so the jobs (whose targets refuse connections) end soon after the test. */
    private static long timeoutSec(int i) {
        return 2 + i % 7;
    }

    private static Map<String, Object> request(int i, String[] keys) {
        Map<String, Object> body = new HashMap<>();
        body.put("apiKey", keys[i % keys.length]);
        body.put("url", "http://127.0.0.1:1/page?i=" + i);
        body.put("method", i % 2 == 0 ? "GET" : "POST");
        if (i % 2 == 1) {
            body.put("body", "payload " + i);
        }
        body.put("headers", Map.of("X-Request", "r" + i));
        body.put("meta", Map.of("i", i));
        body.put("timeoutSec", timeoutSec(i));
        body.put("expectUnsuccessReport", i % 3 == 0);
        if (i % 4 == 0) {
            body.put("callback", Map.of("type", "webhook", "url", "http://127.0.0.1:1/hook/" + i));
        }
        return body;
    }

    @Test
    void submissionsArrivingWhileAnInsertRunsShareTheNextInsert() throws Exception {
        String key = Api.newAccount();
        int waiting = 12;
        double groupsBefore = Metrics.value("gateway_jobs_insert_group_count");
        double rowsBefore = Metrics.value("gateway_jobs_insert_group_sum");
        ExecutorService clients = Executors.newFixedThreadPool(waiting + 1);
        try (Connection db = TestDatabase.connect()) {
            db.setAutoCommit(false);
            // Inserts into job wait for this lock; requests pile up behind the first one's insert.
            db.createStatement().execute("lock table job in share mode");
            List<CompletableFuture<String>> answers = new ArrayList<>();
            for (int i = 0; i <= waiting; i++) {
                Map<String, Object> body = Map.of("apiKey", key, "url", "http://127.0.0.1:1/group?i=" + i, "timeoutSec", 2);
                answers.add(CompletableFuture.supplyAsync(() -> Api.submitJob(body), clients));
            }
            // All requests are in the server (plus this scrape) and none is answered: the first insert waits.
            await().atMost(Duration.ofSeconds(20)).until(() -> Metrics.sum("http_server_active_requests") >= waiting + 2);
            assertTrue(answers.stream().noneMatch(CompletableFuture::isDone));
            db.commit();

            List<String> ids = answers.stream().map(CompletableFuture::join).toList();
            assertEquals(waiting + 1, Jobs.rows(ids).size());
        } finally {
            clients.shutdownNow();
        }
        // Thirteen submissions, two inserts: the blocked first one and one for all that queued behind it.
        assertEquals(rowsBefore + waiting + 1, Metrics.value("gateway_jobs_insert_group_sum"));
        assertEquals(groupsBefore + 2, Metrics.value("gateway_jobs_insert_group_count"));
    }

    @Test
    void everyConcurrentSubmissionIsCommittedWithItsOwnSettingsBeforeItsAnswer() {
        String[] keys = {Api.newAccount(), Api.newAccount(), Api.newAccount()};
        List<CompletableFuture<String>> answers = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(32);
        try {
            for (int i = 0; i < REQUESTS; i++) {
                Map<String, Object> body = request(i, keys);
                answers.add(CompletableFuture.supplyAsync(() -> {
                    String id = Api.submitJob(body);
                    // Read at once, before anything else happens: the row must already be committed.
                    assertEquals(body.get("url"), Jobs.row(id).get("url"));
                    return id;
                }, clients));
            }
            List<String> ids = answers.stream().map(CompletableFuture::join).toList();
            Map<String, Map<String, Object>> rows = Jobs.rows(ids);
            Map<String, UUID> accounts = Arrays.stream(keys).collect(Collectors.toMap(key -> key, Jobs::accountId));
            for (int i = 0; i < REQUESTS; i++) {
                Map<String, Object> sent = request(i, keys);
                Map<String, Object> row = rows.get(ids.get(i));
                assertEquals(accounts.get((String) sent.get("apiKey")), row.get("account_id"));
                assertEquals(sent.get("url"), row.get("url"));
                assertTrue(((String) row.get("status_url")).endsWith("/jobs/" + row.get("id")));
                assertEquals(sent.get("method"), row.get("method"));
                assertEquals(sent.get("body"), row.get("body"));
                assertEquals("{\"X-Request\":\"r" + i + "\"}", row.get("headers"));
                assertEquals("{\"i\":" + i + "}", row.get("meta"));
                assertEquals(sent.get("expectUnsuccessReport"), row.get("expect_unsuccess_report"));
                Map<?, ?> callback = (Map<?, ?>) sent.get("callback");
                assertEquals(callback == null ? null : callback.get("url"), row.get("callback_url"));
                Duration timeout = Duration.between(((Timestamp) row.get("created_at")).toInstant(), ((Timestamp) row.get("deadline_at")).toInstant());
                assertEquals(timeoutSec(i), timeout.toSeconds());
            }
        } finally {
            clients.shutdownNow();
        }
    }
}
