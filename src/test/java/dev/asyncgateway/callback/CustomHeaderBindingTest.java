package dev.asyncgateway.callback;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.WebhookReceiver.Received;
import dev.asyncgateway.testsupport.WebhookReceiver;
import dev.asyncgateway.testsupport.Webhooks.TestAccount;
import dev.asyncgateway.testsupport.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Custom webhook headers are bound to the URL they were set with (as Svix binds them to an endpoint): anyone
 * with the account's key can point a job's own callback.url at a server of theirs, and must not read them there.
 */
@QuarkusTest
class CustomHeaderBindingTest {

    private final WebhookReceiver receiver = WebhookReceiver.shared();

    @Test
    void accountHeadersGoToTheAccountWebhookOnlyNeverToAJobsOwnCallbackUrl() throws Exception {
        TestAccount account = Webhooks.newAccount();
        String accountPath = WebhookReceiver.newPath();
        String ownPath = WebhookReceiver.newPath();
        Webhooks.putAccountWebhook(account.apiKey(), Map.of("url", receiver.url(accountPath),
                "headers", List.of(Map.of("key", "X-Acct-Secret", "value", "s3cret-of-the-account"))));

        Webhooks.submitJob(account.apiKey(), Map.of("callback", Webhooks.callback(receiver.url(ownPath))));
        Webhooks.submitJob(account.apiKey(), Map.of());

        Received toOwnUrl = receiver.awaitRequests(ownPath, 1).get(0);
        assertNull(toOwnUrl.header("x-acct-secret"));
        Webhooks.verify(Webhooks.secret(account.apiKey()), toOwnUrl);
        assertEquals("s3cret-of-the-account", receiver.awaitRequests(accountPath, 1).get(0).header("x-acct-secret"));
    }

    @Test
    void projectHeadersGoToTheProjectWebhookOnlyAndAccountHeadersNeverGoThere() {
        TestAccount account = Webhooks.newAccount();
        String projectPath = WebhookReceiver.newPath();
        String bareProjectPath = WebhookReceiver.newPath();
        String ownPath = WebhookReceiver.newPath();
        Webhooks.putAccountWebhook(account.apiKey(), Map.of("url", receiver.url(WebhookReceiver.newPath()),
                "headers", List.of(Map.of("key", "X-Acct-Secret", "value", "s3cret-of-the-account"))));
        Webhooks.as(account.apiKey()).body(Map.of("url", receiver.url(projectPath),
                        "headers", List.of(Map.of("key", "X-Shop-Secret", "value", "s3cret-of-the-shop"))))
                .put("/projects/shop/webhook").then().statusCode(201);
        Webhooks.as(account.apiKey()).body(Map.of("url", receiver.url(bareProjectPath)))
                .put("/projects/blog/webhook").then().statusCode(201);

        Webhooks.submitJob(account.apiKey(), Map.of("project", "shop", "callback", Webhooks.callback(receiver.url(ownPath))));
        Webhooks.submitJob(account.apiKey(), Map.of("project", "shop"));
        Webhooks.submitJob(account.apiKey(), Map.of("project", "blog"));

        Received toOwnUrl = receiver.awaitRequests(ownPath, 1).get(0);
        assertNull(toOwnUrl.header("x-shop-secret"));
        assertNull(toOwnUrl.header("x-acct-secret"));
        assertNotNull(toOwnUrl.header("webhook-signature"));
        assertEquals("s3cret-of-the-shop", receiver.awaitRequests(projectPath, 1).get(0).header("x-shop-secret"));
        assertNull(receiver.awaitRequests(bareProjectPath, 1).get(0).header("x-acct-secret"));
    }

    @Test
    void manualRetryOfAJobWithItsOwnUrlSendsNoAccountHeadersEither() {
        TestAccount account = Webhooks.newAccount();
        String ownPath = WebhookReceiver.newPath();
        Webhooks.putAccountWebhook(account.apiKey(), Map.of("url", receiver.url(WebhookReceiver.newPath()),
                "headers", List.of(Map.of("key", "X-Acct-Secret", "value", "s3cret-of-the-account"))));
        String id = Webhooks.submitJob(account.apiKey(), Map.of("callback", Webhooks.callback(receiver.url(ownPath))));
        receiver.awaitRequests(ownPath, 1);
        await().until(() -> "delivered".equals(Api.job(id).extract().path("callback.status")));

        Webhooks.as(account.apiKey()).post("/jobs/" + id + "/callback/retry").then().statusCode(202);

        List<Received> requests = receiver.awaitRequests(ownPath, 2);
        assertNull(requests.get(1).header("x-acct-secret"));
    }
}
