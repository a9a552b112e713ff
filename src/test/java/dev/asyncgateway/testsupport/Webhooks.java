package dev.asyncgateway.testsupport;

import com.standardwebhooks.Webhook;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

import static io.restassured.RestAssured.given;

/** Steps webhook tests take through the public API, and the checks a receiver would make. */
public final class Webhooks {

    private Webhooks() {
    }

    /** An account of its own, with its id (for assertions on stored rows) and API key. */
    public record TestAccount(String id, String apiKey) {
    }

    public static TestAccount newAccount() {
        var created = given().header("Authorization", "Bearer " + Api.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body(Map.of("name", "webhooks")).post("/admin/accounts")
                .then().statusCode(201).extract();
        return new TestAccount(created.path("id"), created.path("apiKey"));
    }

    public static RequestSpecification as(String apiKey) {
        return given().header("X-API-Key", apiKey).contentType(ContentType.JSON);
    }

    public static void putAccountWebhook(String apiKey, Map<String, Object> settings) {
        as(apiKey).body(settings).put("/account/webhook").then().statusCode(200);
    }

    public static String secret(String apiKey) {
        return as(apiKey).get("/account/webhook/secret").then().statusCode(200).extract().path("secret");
    }

    /** Verifies like a receiver would, with the Standard Webhooks library; throws when the signature is wrong. */
    public static void verify(String secret, WebhookReceiver.Received request) throws Exception {
        new Webhook(secret).verify(request.body(), request.headersForVerification());
    }

    /** Submits a job for a target that answers at once, with these extra fields; returns its id. */
    public static String submitJob(String apiKey, Map<String, Object> fields) {
        Map<String, Object> body = new HashMap<>(fields);
        body.put("apiKey", apiKey);
        body.putIfAbsent("url", TargetServer.get().url("/ok"));
        return Api.submitJob(body);
    }

    public static Map<String, Object> callback(String url) {
        return Map.of("type", "webhook", "url", url);
    }

    /** A number from the test database, for assertions on what is stored. */
    public static long count(String sql, Object... params) throws SQLException {
        try (Connection connection = TestDatabase.connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** Runs a statement against the test database, e.g. to put rows in the state a crashed instance leaves. */
    public static void execute(String sql, Object... params) throws SQLException {
        try (Connection connection = TestDatabase.connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            statement.execute();
        }
    }
}
