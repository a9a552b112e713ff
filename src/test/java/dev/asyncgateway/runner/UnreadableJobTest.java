package dev.asyncgateway.runner;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.TargetServer;
import dev.asyncgateway.testsupport.Webhooks.TestAccount;
import dev.asyncgateway.testsupport.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** A claimed row that cannot even be started must fail alone: the claim loop goes on for everyone else. */
@QuarkusTest
class UnreadableJobTest {

    @Test
    void jobsWhoseStoredRequestCannotBeReadFailAloneAndTheLoopKeepsClaiming() throws Exception {
        TestAccount account = Webhooks.newAccount();
        List<String> unreadable = List.of(unreadableJob(account, "api_params"), unreadableJob(account, "headers"));
        List<String> good = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            good.add(submit(account));
        }

        await("every job to end").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> unreadable.stream().noneMatch(id -> Api.status(id).equals("running"))
                        && good.stream().noneMatch(id -> Api.status(id).equals("running")));
        unreadable.forEach(id -> Api.job(id).body("status", equalTo("failed")).body("failReason", equalTo("invalid_stored_request")));
        good.forEach(id -> Api.job(id).body("status", equalTo("finished")));

        String later = submit(account);
        await("a later job to finish").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> Api.status(later).equals("finished"));
    }

    private static String submit(TestAccount account) {
        return Api.submitJob(Map.of("apiKey", account.apiKey(), "url", TargetServer.get().url("/ok")));
    }

    /** A due job whose {@code column} holds text that is no JSON, as only a bug or a hand-edited row could leave it. */
    private static String unreadableJob(TestAccount account, String column) throws Exception {
        UUID id = UUID.randomUUID();
        Webhooks.execute("insert into job (id, account_id, status_url, url, " + column + ", deadline_at) "
                        + "values (?, ?::uuid, 'http://localhost/jobs/' || ?, ?, '{not json', now() + interval '1 minute')",
                id, account.id(), id.toString(), TargetServer.get().url("/ok"));
        return id.toString();
    }
}
