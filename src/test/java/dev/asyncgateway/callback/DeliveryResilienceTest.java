package dev.asyncgateway.callback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.asyncgateway.store.ClaimedDelivery;
import dev.asyncgateway.store.DeliveryStore;
import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.WebhookReceiver.Answer;
import dev.asyncgateway.testsupport.WebhookReceiver.Received;
import dev.asyncgateway.testsupport.WebhookReceiver;
import dev.asyncgateway.testsupport.Webhooks.TestAccount;
import dev.asyncgateway.testsupport.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Crashes, races and slow receivers: what must hold when things go wrong between attempts. */
@QuarkusTest
class DeliveryResilienceTest {

    private final WebhookReceiver receiver = WebhookReceiver.shared();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    DeliveryStore store;

    @Inject
    DeliveryExecutor executor;

    @Test
    void deliveryResumesAtTheNextAttemptWhenTheInstanceSendingItDied() throws Exception {
        TestAccount account = Webhooks.newAccount();
        String path = WebhookReceiver.newPath();
        String jobId = finishedJobWithoutCallback(account);
        UUID deliveryId = UUID.randomUUID();
        // What a crashed instance leaves: attempt 1 failed and logged, attempt 2 claimed (counted) but never recorded.
        insertClaimedDelivery(deliveryId, jobId, account, receiver.url(path), 2);
        Webhooks.execute("insert into delivery_attempt (delivery_id, attempt, started_at, duration_ms, status_code) "
                + "values (?, 1, now(), 5, 500)", deliveryId);

        await().atMost(Duration.ofSeconds(20)).until(() -> "delivered".equals(Api.job(jobId).extract().path("callback.status")));

        List<Received> requests = receiver.requests(path);
        assertEquals(1, requests.size());
        assertEquals("msg_" + deliveryId.toString().replace("-", ""), requests.get(0).header("webhook-id"));
        Api.job(jobId).body("callback.attempts", equalTo(3));
        Webhooks.as(account.apiKey()).get("/jobs/" + jobId + "/callback/attempts").then()
                .body("attempts.attempt", equalTo(List.of(1, 3)));
    }

    @Test
    void deliveryWhoseLastAttemptWasInterruptedFailsWithoutAFourthAttempt() throws Exception {
        TestAccount account = Webhooks.newAccount();
        String path = WebhookReceiver.newPath();
        String notifications = WebhookReceiver.newPath();
        Webhooks.putAccountWebhook(account.apiKey(), Map.of("notificationUrl", receiver.url(notifications)));
        String jobId = finishedJobWithoutCallback(account);
        insertClaimedDelivery(UUID.randomUUID(), jobId, account, receiver.url(path), 3);

        JsonNode event = JSON.readTree(receiver.awaitRequests(notifications, 1).get(0).body());

        assertEquals(0, receiver.requests(path).size());
        Api.job(jobId).body("callback.status", equalTo("failed")).body("callback.attempts", equalTo(3));
        assertEquals("callback-failed", event.get("eventType").asText());
        assertEquals(3, event.get("eventData").get("attempts").asInt());
        assertTrue(event.get("eventData").get("status").isNull());
    }

    @Test
    void competingWorkersNeverSendTheSameAttemptTwiceNorMoreThanThreeAttempts() throws Exception {
        TestAccount account = Webhooks.newAccount();
        String path = WebhookReceiver.newPath();
        receiver.always(path, Answer.status(500));
        int deliveries = 30;
        Webhooks.execute("""
                insert into delivery (id, account_id, kind, url, payload, max_attempts, due_at)
                select gen_random_uuid(), ?::uuid, 'batch-finished', ?, '{}', 3, now() + interval '300 milliseconds'
                from generate_series(1, ?)""", account.id(), receiver.url(path), deliveries);

        // Three more workers, claiming and sending exactly like the instance's own poller, racing it.
        AtomicInteger claimedByTest = new AtomicInteger();
        List<CompletableFuture<Void>> workers = java.util.stream.IntStream.range(0, 3)
                .mapToObj(i -> CompletableFuture.runAsync(() -> work(account, claimedByTest))).toList();
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get();

        Map<String, Long> attemptsPerWebhookId = receiver.requests(path).stream()
                .collect(Collectors.groupingBy(r -> r.header("webhook-id"), Collectors.counting()));
        assertEquals(deliveries, attemptsPerWebhookId.size());
        assertTrue(attemptsPerWebhookId.values().stream().allMatch(n -> n == 3), attemptsPerWebhookId.toString());
        assertEquals(deliveries * 3L, Webhooks.count("select count(*) from delivery_attempt a join delivery d "
                + "on d.id = a.delivery_id where d.account_id = ?::uuid and a.attempt between 1 and 3", account.id()));
        assertEquals(deliveries, Webhooks.count("select count(*) from delivery where account_id = ?::uuid "
                + "and status = 'failed' and attempts = 3", account.id()));
        assertTrue(claimedByTest.get() > 0, "the test's workers took part in the race");
    }

    @Test
    void hangingReceiverDoesNotDelayCallbacksToOtherReceivers() {
        TestAccount account = Webhooks.newAccount();
        String hangingPath = WebhookReceiver.newPath();
        String healthyPath = WebhookReceiver.newPath();
        try (WebhookReceiver hanging = WebhookReceiver.start()) {
            hanging.always(hangingPath, new Answer.Hang());
            for (int i = 0; i < 6; i++) {
                Webhooks.submitJob(account.apiKey(), Map.of("callback", Webhooks.callback(hanging.url(hangingPath))));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> hanging.openRequests(hangingPath) == 4);

            Webhooks.submitJob(account.apiKey(), Map.of("callback", Webhooks.callback(receiver.url(healthyPath))));
            receiver.awaitRequests(healthyPath, 1);

            assertEquals(4, hanging.openRequests(hangingPath), "the healthy callback went out while the slow receiver held its slots");
            assertEquals(4, hanging.maxOpenRequests(hangingPath), "never more than gateway.callback.concurrency-per-host");
        }
    }

    /** One worker: claims and runs deliveries of this account's receiver until none is left pending. */
    private void work(TestAccount account, AtomicInteger claimed) {
        Function<Void, Long> pending = ignored -> {
            try {
                return Webhooks.count("select count(*) from delivery where account_id = ?::uuid and status = 'pending'",
                        account.id());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (pending.apply(null) > 0 && System.nanoTime() < deadline) {
            List<ClaimedDelivery> batch = store.claim(4, Duration.ofSeconds(5), UUID.randomUUID(), Map.of(), 4)
                    .await().atMost(Duration.ofSeconds(10));
            claimed.addAndGet(batch.size());
            batch.forEach(delivery -> executor.run(delivery, () -> { }).await().atMost(Duration.ofSeconds(10)));
        }
    }

    private static String finishedJobWithoutCallback(TestAccount account) {
        String id = Webhooks.submitJob(account.apiKey(), Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> "finished".equals(Api.status(id)));
        return id;
    }

    /** A callback delivery held by an instance that stopped: its lease runs out a moment from now. */
    private static void insertClaimedDelivery(UUID id, String jobId, TestAccount account, String url, int attempts)
            throws Exception {
        Webhooks.execute("""
                insert into delivery (id, job_id, account_id, kind, url, max_attempts, attempts, due_at, lease_token)
                values (?, ?::uuid, ?::uuid, 'callback', ?, 3, ?, now() + interval '500 milliseconds', gen_random_uuid())""",
                id, jobId, account.id(), url, attempts);
    }
}
