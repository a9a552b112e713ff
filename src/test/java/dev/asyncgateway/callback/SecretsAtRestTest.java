package dev.asyncgateway.callback;

import dev.asyncgateway.common.SecretBox;
import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.ScratchDatabase;
import dev.asyncgateway.testsupport.TestDatabase;
import dev.asyncgateway.testsupport.WebhookReceiver.Received;
import dev.asyncgateway.testsupport.WebhookReceiver;
import dev.asyncgateway.testsupport.Webhooks.TestAccount;
import dev.asyncgateway.testsupport.Webhooks;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Secrets at rest under a key ring of two keys, B (newest) then A: what the database holds is sealed, what
 * receivers get is clear, what the API shows is masked, and rows under A or in clear move to B when re-encrypted.
 * <p>
 * Runs on a database of its own: re-encryption seals every row it finds, and the rest of the suite, which runs
 * without a key, must never meet a sealed row.
 */
@QuarkusTest
@TestProfile(SecretsAtRestTest.KeysBThenA.class)
class SecretsAtRestTest {

    static final String KEY_A = "tJVCv9eLZkH9+LIMWKZkxprejFO98se6hGkVzNrwS84=";
    static final String KEY_B = "CK2cpLzAhWUMzYuaWv7lxT+1ANbtu0Nz1yFRof03GBQ=";
    private static final SecretBox UNDER_A = SecretBox.fromSetting(KEY_A, "key A");
    private static final SecretBox UNDER_B = SecretBox.fromSetting(KEY_B, "key B");

    public static class KeysBThenA implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.secrets-key", KEY_B + ", " + KEY_A,
                    "quarkus.datasource.reactive.url", SecretsDatabase.URL);
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(SecretsDatabase.class));
        }
    }

    /** The database of this class, created fresh before the gateway starts. */
    public static class SecretsDatabase implements QuarkusTestResourceLifecycleManager {
        static final String NAME = TestDatabase.NAME + "_secrets";
        static final String URL = "postgresql://" + TestDatabase.HOST + "/" + NAME;

        @Override
        public Map<String, String> start() {
            ScratchDatabase.create(TestDatabase.HOST, NAME);
            return Map.of("quarkus.datasource.reactive.url", URL);
        }

        @Override
        public void stop() {
            // kept for inspection after a failed run; recreated at the next run's start
        }
    }

    private final WebhookReceiver receiver = WebhookReceiver.shared();

    @Test
    void accountSecretHeaderValuesAndUrlPasswordsAreStoredSealedAndReachTheReceiverClear() throws Exception {
        TestAccount account = Webhooks.newAccount();
        String secret = Webhooks.secret(account.apiKey());
        String accountPath = WebhookReceiver.newPath();
        String notificationPath = WebhookReceiver.newPath();
        Webhooks.putAccountWebhook(account.apiKey(), Map.of(
                "url", receiver.urlWithCredentials("hookuser:hook-pass-1", accountPath),
                "headers", List.of(Map.of("key", "X-Acct-Secret", "value", "header-value-s3cret")),
                "notificationUrl", receiver.urlWithCredentials("ops:notify-pass-1", notificationPath)));
        String jobPath = WebhookReceiver.newPath();
        String viaAccount = Webhooks.submitJob(account.apiKey(), Map.of());
        String viaJob = Webhooks.submitJob(account.apiKey(),
                Map.of("callback", Webhooks.callback(receiver.urlWithCredentials("jobuser:job%2Bpass-2", jobPath))));

        Received toAccount = receiver.awaitRequests(accountPath, 1).get(0);
        Webhooks.verify(secret, toAccount);
        assertEquals("header-value-s3cret", toAccount.header("X-Acct-Secret"));
        assertEquals(basic("hookuser:hook-pass-1"), toAccount.header("Authorization"));
        Received toJob = receiver.awaitRequests(jobPath, 1).get(0);
        Webhooks.verify(secret, toJob);
        assertEquals(basic("jobuser:job+pass-2"), toJob.header("Authorization"));

        awaitDelivered(viaAccount);
        awaitDelivered(viaJob);
        String stored = storedSecretColumns(account.id());
        for (String clear : List.of(secret.substring("whsec_".length()), "header-value-s3cret", "hook-pass-1",
                "notify-pass-1", "job%2Bpass-2")) {
            assertFalse(stored.contains(clear), "stored in clear: " + clear);
        }
        assertTrue(text("select webhook_secret from account where id = ?", UUID.fromString(account.id()))
                .startsWith(sealedUnderB()));
        assertEquals("127.0.0.1:" + URI.create(receiver.url("/")).getPort(), text("select receiver from delivery where job_id = ?", UUID.fromString(viaJob)),
                "the receiver of a URL with a sealed password is still its host and port");

        Webhooks.as(account.apiKey()).get("/account/webhook").then().statusCode(200)
                .body("url", equalTo(receiver.urlWithCredentials("hookuser:****", accountPath)))
                .body("headers[0].value", equalTo("head****"))
                .body("notificationUrl", equalTo(receiver.urlWithCredentials("ops:****", notificationPath)));
        Api.job(viaJob).statusCode(200).body("callback.url", equalTo(receiver.urlWithCredentials("jobuser:****", jobPath)));
    }

    @Test
    void projectWebhookUrlPasswordAndHeaderValuesAreStoredSealed() throws Exception {
        TestAccount account = Webhooks.newAccount();
        String path = WebhookReceiver.newPath();
        Webhooks.as(account.apiKey()).body(Map.of("url", receiver.urlWithCredentials("shop:shop-pass-3", path),
                        "headers", List.of(Map.of("key", "X-Shop-Token", "value", "shop-header-s3cret"))))
                .put("/projects/shop/webhook").then().statusCode(201);
        String id = Webhooks.submitJob(account.apiKey(), Map.of("project", "shop"));

        Received request = receiver.awaitRequests(path, 1).get(0);
        Webhooks.verify(Webhooks.secret(account.apiKey()), request);
        assertEquals("shop-header-s3cret", request.header("X-Shop-Token"));
        assertEquals(basic("shop:shop-pass-3"), request.header("Authorization"));

        awaitDelivered(id);
        String stored = storedSecretColumns(account.id());
        assertFalse(stored.contains("shop-pass-3"), stored);
        assertFalse(stored.contains("shop-header-s3cret"), stored);
        Webhooks.as(account.apiKey()).get("/projects/shop/webhook").then().statusCode(200)
                .body("url", equalTo(receiver.urlWithCredentials("shop:****", path)))
                .body("headers[0].value", equalTo("shop****"));
    }

    @Test
    void rowsUnderTheOlderKeyOrInClearStayReadableAndReEncryptionMovesThemToTheNewestKey() throws Exception {
        TestAccount account = Webhooks.newAccount();
        String path = WebhookReceiver.newPath();
        Webhooks.putAccountWebhook(account.apiKey(), Map.of("url", receiver.url(path)));
        // As a gateway keyed with A alone wrote them, next to a URL stored before any key was set.
        String secret = Base64.getEncoder().encodeToString(randomBytes(24));
        execute("update account set webhook_secret = ?, webhook_url = ?, webhook_headers = ? where id = ?",
                UNDER_A.seal(secret), receiver.urlWithCredentials("legacy:clear-pass-4", path),
                "[{\"key\":\"X-Old\",\"value\":\"" + UNDER_A.seal("old-header-s3cret") + "\"},"
                        + "{\"key\":\"X-Clear\",\"value\":\"clear-header-value\"}]",
                UUID.fromString(account.id()));

        assertEquals("whsec_" + secret, Webhooks.secret(account.apiKey()));
        Webhooks.as(account.apiKey()).get("/account/webhook").then().statusCode(200)
                .body("url", equalTo(receiver.urlWithCredentials("legacy:****", path)))
                .body("headers[0].value", equalTo("old-****"));
        String before = Webhooks.submitJob(account.apiKey(), Map.of());
        Received beforeReEncryption = receiver.awaitRequests(path, 1).get(0);
        Webhooks.verify("whsec_" + secret, beforeReEncryption);
        assertEquals("old-header-s3cret", beforeReEncryption.header("X-Old"));
        assertEquals(basic("legacy:clear-pass-4"), beforeReEncryption.header("Authorization"));
        awaitDelivered(before);

        given().header("Authorization", "Bearer " + Api.ADMIN_TOKEN).post("/admin/secrets/re-encrypt").then().statusCode(200)
                .body("keyId", equalTo(UNDER_B.currentKeyId()))
                .body("reEncrypted", greaterThanOrEqualTo(2))
                .body("unreadable", equalTo(0));

        String stored = storedSecretColumns(account.id());
        assertFalse(stored.contains(SecretBox.SEALED_PREFIX + UNDER_A.currentKeyId() + ":"), "nothing is left under key A: " + stored);
        for (String clear : List.of(secret, "clear-pass-4", "old-header-s3cret", "clear-header-value")) {
            assertFalse(stored.contains(clear), "stored in clear: " + clear);
        }
        String sealedSecret = text("select webhook_secret from account where id = ?", UUID.fromString(account.id()));
        assertEquals(secret, UNDER_B.open(sealedSecret), "key B alone now opens it");
        assertEquals("whsec_" + secret, Webhooks.secret(account.apiKey()));
        String after = Webhooks.submitJob(account.apiKey(), Map.of());
        Received afterReEncryption = receiver.awaitRequests(path, 2).get(1);
        Webhooks.verify("whsec_" + secret, afterReEncryption);
        assertEquals("clear-header-value", afterReEncryption.header("X-Clear"));
        assertEquals(basic("legacy:clear-pass-4"), afterReEncryption.header("Authorization"));
        awaitDelivered(after);
    }

    @Test
    void reEncryptionNeedsTheAdminToken() {
        given().post("/admin/secrets/re-encrypt").then().statusCode(401);
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static String basic(String userInfo) {
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    private static String sealedUnderB() {
        return SecretBox.SEALED_PREFIX + UNDER_B.currentKeyId() + ":";
    }

    private static void awaitDelivered(String jobId) {
        await().atMost(java.time.Duration.ofSeconds(20))
                .until(() -> "delivered".equals(Api.job(jobId).statusCode(200).extract().path("callback.status")));
    }

    /** Every column of the account's rows that may hold a secret, joined: the account, its projects, jobs and deliveries. */
    private static String storedSecretColumns(String accountId) throws SQLException {
        UUID id = UUID.fromString(accountId);
        return String.join("\n",
                text("select concat_ws(' ', webhook_secret, previous_webhook_secret, webhook_url, webhook_headers, "
                        + "notification_url) from account where id = ?", id),
                text("select coalesce(string_agg(concat_ws(' ', url, headers), ' '), '') from project_webhook where account_id = ?", id),
                text("select coalesce(string_agg(callback_url, ' '), '') from job where account_id = ?", id),
                text("select coalesce(string_agg(concat_ws(' ', url, headers, payload), ' '), '') from delivery where account_id = ?", id));
    }

    private static String text(String sql, Object... params) throws SQLException {
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    private static void execute(String sql, Object... params) throws SQLException {
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            statement.execute();
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:" + SecretsDatabase.URL, "postgres", "");
    }
}
