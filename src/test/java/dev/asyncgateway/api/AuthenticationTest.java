package dev.asyncgateway.api;

import dev.asyncgateway.common.ApiKeys;
import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.TestDatabase;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.quarkus.cache.CaffeineCache;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;

/** Where a key may travel, what is answered when it is missing or wrong, and how resolved keys are remembered. */
@QuarkusTest
class AuthenticationTest {

    @Inject
    @CacheName(ApiKeyIdentityProvider.CACHE)
    Cache cache;

    @Inject
    GatewayConfig config;

    @AfterEach
    void restoreTheConfiguredCacheLimits() {
        CaffeineCache keys = cache.as(CaffeineCache.class);
        keys.setMaximumSize(config.auth().keyCacheMaxSize());
        keys.setExpireAfterWrite(config.auth().keyCacheExpireAfterWrite());
    }

    @Test
    void theKeyWorksInTheTokenHeaderAndTheQueryParameterAsInXApiKey() {
        String apiKey = Api.newAccount();
        given().header("X-API-Key", apiKey).get("/account/webhook").then().statusCode(200);
        given().header("Authorization", "Token " + apiKey).get("/account/webhook").then().statusCode(200);
        given().queryParam("apiKey", apiKey).get("/account/webhook").then().statusCode(200);
        given().header("Authorization", "Token " + apiKey).get("/jobs").then().statusCode(200);
        given().header("Authorization", "Token nope").get("/account/webhook").then().statusCode(401)
                .body("error", equalTo("unknown API key"));
        given().queryParam("apiKey", "").get("/account/webhook").then().statusCode(401)
                .body("error", equalTo("missing API key"));
    }

    @Test
    void aWrongKeyKeepsFailingAndIsNeverRememberedWhileAGoodOneIs() {
        String wrong = "gk_" + UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            given().header("X-API-Key", wrong).get("/jobs").then().statusCode(401).body("error", equalTo("unknown API key"));
        }
        assertThat(keys().keySet(), not(hasItem(hashOf(wrong))));

        String good = Api.newAccount();
        given().header("X-API-Key", good).get("/jobs").then().statusCode(200);
        given().header("X-API-Key", good).get("/jobs").then().statusCode(200);
        assertThat(keys().keySet(), hasItem(hashOf(good)));
    }

    @Test
    void aKeyInASubmissionBodyGoesThroughTheSameCache() {
        String apiKey = Api.newAccount();
        Api.submit(Map.of("apiKey", apiKey, "url", "http://127.0.0.1:1/cached")).statusCode(200);
        assertThat(keys().keySet(), hasItem(hashOf(apiKey)));
    }

    @Test
    void theCacheHoldsAtMostItsMaximumSizeAndForgottenKeysStillWork() {
        keys().setMaximumSize(2);
        List<String> apiKeys = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String apiKey = Api.newAccount();
            apiKeys.add(apiKey);
            given().header("X-API-Key", apiKey).get("/jobs").then().statusCode(200);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            keys().setMaximumSize(2); // a write triggers Caffeine's (asynchronous) eviction
            assertThat(keys().keySet().size(), lessThanOrEqualTo(2));
        });
        apiKeys.forEach(apiKey -> given().header("X-API-Key", apiKey).get("/jobs").then().statusCode(200));
    }

    @Test
    void aKeyIsLookedUpAgainAfterExpireAfterWriteSoARemovedAccountStopsWorking() throws Exception {
        var created = given().header("Authorization", "Bearer " + Api.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body(Map.of("name", "soon gone")).post("/admin/accounts").then().statusCode(201).extract().jsonPath();
        String id = created.getString("id");
        String goneKey = created.getString("apiKey");
        String apiKey = Api.newAccount();
        keys().setExpireAfterWrite(Duration.ofMillis(300));
        given().header("X-API-Key", goneKey).get("/jobs").then().statusCode(200);
        given().header("X-API-Key", apiKey).get("/jobs").then().statusCode(200);

        try (Connection db = TestDatabase.connect();
             PreparedStatement delete = db.prepareStatement("delete from account where id = ?")) {
            delete.setObject(1, UUID.fromString(id));
            delete.executeUpdate();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                given().header("X-API-Key", goneKey).get("/jobs").then().statusCode(401).body("error", equalTo("unknown API key")));
        given().header("X-API-Key", apiKey).get("/jobs").then().statusCode(200);
    }

    @Test
    void credentialsOfTheOtherKindAreAnsweredLikeMissingOnes() {
        given().header("X-API-Key", "test-key").contentType(ContentType.JSON).body(Map.of("name", "x"))
                .post("/admin/accounts").then().statusCode(401).body("error", equalTo("missing or wrong admin token"));
        given().header("Authorization", "Bearer " + Api.ADMIN_TOKEN).get("/jobs").then().statusCode(401)
                .body("error", equalTo("missing API key"));
        given().post("/admin/drain").then().statusCode(401).body("error", equalTo("missing or wrong admin token"));
    }

    private CaffeineCache keys() {
        return cache.as(CaffeineCache.class);
    }

    private static String hashOf(String apiKey) {
        return HexFormat.of().formatHex(ApiKeys.hash(apiKey));
    }
}
