package dev.asyncgateway.callback;

import dev.asyncgateway.testsupport.Webhooks.TestAccount;
import dev.asyncgateway.testsupport.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
class WebhookSettingsApiTest {

    @Test
    void accountWebhookIsStoredAndShownWithSecretsMasked() {
        TestAccount account = Webhooks.newAccount();
        Webhooks.as(account.apiKey()).get("/account/webhook").then().statusCode(200)
                .body("url", nullValue()).body("encoding", equalTo("json")).body("headers", hasSize(0));

        Webhooks.as(account.apiKey()).body(Map.of("url", "https://user:pw@hooks.example.com/in",
                        "headers", List.of(Map.of("key", "Authorization", "value", "Bearer abcdefghijkl")),
                        "encoding", "form", "notificationUrl", "https://ops.example.com/events"))
                .put("/account/webhook").then().statusCode(200);

        Webhooks.as(account.apiKey()).get("/account/webhook").then().statusCode(200)
                .body("url", equalTo("https://user:****@hooks.example.com/in"))
                .body("target", equalTo("https://user:****@hooks.example.com/in"))
                .body("headers[0].key", equalTo("Authorization"))
                .body("headers[0].value", equalTo("Bear****"))
                .body("encoding", equalTo("form"))
                .body("notificationUrl", equalTo("https://ops.example.com/events"));
    }

    @Test
    void familiarSaasSpellingsAreAcceptedAsAliases() {
        TestAccount account = Webhooks.newAccount();
        Webhooks.as(account.apiKey()).body(Map.of("target", "https://hooks.example.com/t")).put("/account/webhook")
                .then().statusCode(200).body("url", equalTo("https://hooks.example.com/t"));
        Webhooks.as(account.apiKey()).body(Map.of("apiCallbackUrl", "https://hooks.example.com/a",
                        "apiCallbackHeaders", Map.of("X-Key", "value-1234")))
                .put("/account/webhook").then().statusCode(200)
                .body("url", equalTo("https://hooks.example.com/a"))
                .body("target", equalTo("https://hooks.example.com/a"))
                .body("headers[0].key", equalTo("X-Key"));
    }

    @Test
    void everyKeyedEndpointAcceptsTheTokenAuthorizationScheme() {
        TestAccount account = Webhooks.newAccount();
        given().header("Authorization", "Token " + account.apiKey()).get("/account/webhook").then().statusCode(200);
        given().header("Authorization", "Token " + account.apiKey()).get("/account/webhook/secret").then().statusCode(200)
                .body("secret", startsWith("whsec_"));
        given().get("/account/webhook").then().statusCode(401).body("error", equalTo("missing API key"));
    }

    @Test
    void badSettingsAreRejectedWithTheFieldToBlameAndNothingIsStored() {
        TestAccount account = Webhooks.newAccount();
        Webhooks.putAccountWebhook(account.apiKey(), Map.of("url", "https://hooks.example.com/ok"));

        rejected(account, Map.of("url", "ftp://hooks.example.com/x"), "url");
        rejected(account, Map.of("url", "not a url"), "url");
        rejected(account, Map.of("notificationUrl", "javascript:alert(1)"), "notificationUrl");
        rejected(account, Map.of("encoding", "xml"), "encoding");
        rejected(account, Map.of("headers", List.of(Map.of("key", "X-A", "value", "a\r\nX-Injected: 1"))), "headers");
        rejected(account, Map.of("headers", List.of(Map.of("key", "Connection", "value", "close"))), "headers");
        rejected(account, Map.of("headers", List.of(Map.of("key", "webhook-signature", "value", "v1,x"))), "headers");
        rejected(account, Map.of("headers", List.of(Map.of("name", "X-A", "value", "a"))), "headers[0]");
        rejected(account, Map.of("url", "https://a.example.com", "target", "https://b.example.com"), "target");
        rejected(account, Map.of("colour", "blue"), "colour");

        Webhooks.as(account.apiKey()).get("/account/webhook").then().body("url", equalTo("https://hooks.example.com/ok"));
    }

    @Test
    void projectWebhookIsCreatedReplacedReadAndDeleted() {
        TestAccount account = Webhooks.newAccount();
        Webhooks.as(account.apiKey()).get("/projects/shop/webhook").then().statusCode(404);

        Webhooks.as(account.apiKey()).body(Map.of("url", "https://hooks.example.com/shop")).put("/projects/shop/webhook")
                .then().statusCode(201).body("project", equalTo("shop")).body("url", equalTo("https://hooks.example.com/shop"));
        Webhooks.as(account.apiKey()).body(Map.of("target", "https://hooks.example.com/shop2", "encoding", "form"))
                .put("/projects/shop/webhook").then().statusCode(200);
        Webhooks.as(account.apiKey()).get("/projects/shop/webhook").then().statusCode(200)
                .body("url", equalTo("https://hooks.example.com/shop2")).body("encoding", equalTo("form"))
                .body("notificationUrl", nullValue());

        TestAccount other = Webhooks.newAccount();
        Webhooks.as(other.apiKey()).get("/projects/shop/webhook").then().statusCode(404);

        Webhooks.as(account.apiKey()).delete("/projects/shop/webhook").then().statusCode(204);
        Webhooks.as(account.apiKey()).delete("/projects/shop/webhook").then().statusCode(404);
    }

    @Test
    void projectWebhookNeedsAUrlAndTakesNoNotificationUrl() {
        TestAccount account = Webhooks.newAccount();
        Webhooks.as(account.apiKey()).body(Map.of("encoding", "json")).put("/projects/shop/webhook")
                .then().statusCode(400).body("field", equalTo("url"));
        Webhooks.as(account.apiKey()).body(Map.of("url", "https://h.example.com", "notificationUrl", "https://n.example.com"))
                .put("/projects/shop/webhook").then().statusCode(400).body("field", equalTo("notificationUrl"));
        Webhooks.as(account.apiKey()).body(Map.of("url", "https://h.example.com")).put("/projects/sh op/webhook")
                .then().statusCode(400).body("field", equalTo("project"));
    }

    @Test
    void rotationReturnsANewSecretThatTheSecretEndpointThenShows() {
        TestAccount account = Webhooks.newAccount();
        String before = Webhooks.secret(account.apiKey());
        String rotated = Webhooks.as(account.apiKey()).post("/account/webhook/secret/rotate").then().statusCode(200)
                .extract().path("secret");
        assertEquals(rotated, Webhooks.secret(account.apiKey()));
        org.junit.jupiter.api.Assertions.assertNotEquals(before, rotated);
    }

    private static void rejected(TestAccount account, Map<String, Object> settings, String field) {
        given().header("X-API-Key", account.apiKey()).contentType(ContentType.JSON).body(settings)
                .put("/account/webhook").then().statusCode(400).body("field", equalTo(field));
    }
}
