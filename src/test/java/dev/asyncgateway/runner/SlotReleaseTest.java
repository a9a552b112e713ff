package dev.asyncgateway.runner;

import dev.asyncgateway.callback.DeliveryPoller;
import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.TargetServer;
import dev.asyncgateway.testsupport.TestDatabase;
import dev.asyncgateway.testsupport.WebhookReceiver;
import dev.asyncgateway.testsupport.Webhooks;
import dev.asyncgateway.testsupport.Webhooks.TestAccount;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * A fetch or a callback frees its slot as soon as its HTTP exchange is over, while its outcome is still being
 * stored: the tests hold that storing back with locks and watch the next row start meanwhile. With the fallback
 * poll an hour away (the profile), nothing but a freed slot can start it.
 */
@QuarkusTest
@TestProfile(WakeUpAndRetentionTest.Profile.class)
class SlotReleaseTest {

    private final TargetServer target = TargetServer.get();

    @Inject
    JobPoller runner;

    @Inject
    DeliveryPoller deliveries;

    @BeforeEach
    void runnersAreIdle() {
        await().atMost(Duration.ofSeconds(10)).until(() -> runner.idle() && deliveries.idle());
    }

    /** Two accounts under their cap fill the slots, so only a freed slot can start the last job. */
    @Test
    void aJobStartsInTheSlotOfAFetchWhoseOutcomeIsStillBeingStored() throws Exception {
        String key = UUID.randomUUID().toString();
        String slow = "/slow/" + key + "/1500";
        int slots = WakeUpAndRetentionTest.Profile.FETCH_SLOTS;
        List<String> first = new ArrayList<>();
        for (String apiKey : List.of(Api.newAccount(), Api.newAccount())) {
            for (int i = 0; i < slots / 2; i++) {
                first.add(Api.submitJob(Map.of("apiKey", apiKey, "url", target.url(slow))));
            }
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> target.hits(slow) == slots);
        String waiting = "/slow/" + key + "/10";

        try (Connection lock = TestDatabase.connect()) {
            lock.setAutoCommit(false);
            // Locked while their fetches run: the statement storing their outcomes waits for this transaction.
            lock.createStatement().executeQuery("select id from job where url like '%" + key + "/1500' for update").close();
            Api.submitJob(Map.of("apiKey", Api.newAccount(), "url", target.url(waiting)));

            await().atMost(Duration.ofSeconds(5)).until(() -> target.hits(waiting) == 1);
            for (String id : first) {
                assertThat("its outcome is not stored yet", Api.status(id), equalTo("running"));
            }
            lock.rollback();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> first.stream().allMatch(id -> Api.status(id).equals("finished")));
    }

    /** As many callbacks as the per-receiver cap are unrecorded, yet the receiver gets the next one. */
    @Test
    void aCallbackIsSentInTheSlotOfOneWhoseOutcomeIsStillBeingRecorded() throws Exception {
        int cap = 4; // gateway.callback.concurrency-per-host in the test profile
        TestAccount account = Webhooks.newAccount();
        String firstPath = WebhookReceiver.newPath();
        String laterPath = WebhookReceiver.newPath();
        List<String> first = new ArrayList<>();
        try (WebhookReceiver receiver = WebhookReceiver.start(); Connection lock = TestDatabase.connect()) {
            lock.setAutoCommit(false);
            // Recording an attempt writes its log row first: every record waits for this transaction.
            lock.createStatement().execute("lock table delivery_attempt in exclusive mode");
            for (int i = 0; i < cap; i++) {
                first.add(Webhooks.submitJob(account.apiKey(), Map.of("callback", Webhooks.callback(receiver.url(firstPath)))));
            }
            receiver.awaitRequests(firstPath, cap);

            Webhooks.submitJob(account.apiKey(), Map.of("callback", Webhooks.callback(receiver.url(laterPath))));

            await().atMost(Duration.ofSeconds(5)).until(() -> receiver.requests(laterPath).size() == 1);
            for (String id : first) {
                assertThat("its outcome is not recorded yet", Api.job(id).extract().path("callback.status"), equalTo("pending"));
            }
            lock.rollback();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> first.stream()
                .allMatch(id -> "delivered".equals(Api.job(id).extract().path("callback.status"))));
    }
}
