package dev.asyncgateway.api;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

/** Accounts are created by an admin; their keys work at once and are stored only hashed. */
@QuarkusTest
class AdminAndKeysTest {

    @Test
    void adminCreatesAnAccountWhoseKeyIsShownOnceAndStoredHashed() throws Exception {
        String apiKey = given().header("Authorization", "Bearer " + Api.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body(Map.of("name", "Acme")).post("/admin/accounts")
                .then().statusCode(201)
                .body("id", notNullValue()).body("name", equalTo("Acme")).body("apiKey", startsWith("gk_"))
                .extract().path("apiKey");

        given().header("X-API-Key", apiKey).get("/jobs").then().statusCode(200);
        try (Connection db = TestDatabase.connect();
             PreparedStatement query = db.prepareStatement("select count(*) from account where name = 'Acme' and "
                     + "(encode(api_key_hash, 'escape') like '%' || ? || '%' or webhook_secret = ?)")) {
            query.setString(1, apiKey);
            query.setString(2, apiKey);
            ResultSet rows = query.executeQuery();
            rows.next();
            assertThat("the plain key is nowhere in the account row", rows.getInt(1), is(0));
        }
    }

    @Test
    void adminEndpointsNeedTheAdminToken() {
        given().contentType(ContentType.JSON).body(Map.of("name", "x")).post("/admin/accounts")
                .then().statusCode(401).body("error", notNullValue());
        given().header("Authorization", "Bearer wrong").contentType(ContentType.JSON).body(Map.of("name", "x"))
                .post("/admin/accounts").then().statusCode(401);
    }

    @Test
    void accountNamesAreValidated() {
        given().header("Authorization", "Bearer " + Api.ADMIN_TOKEN).contentType(ContentType.JSON).body(Map.of("name", ""))
                .post("/admin/accounts").then().statusCode(400).body("field", equalTo("name"));
        given().header("Authorization", "Bearer " + Api.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body(Map.of("name", "a\u0000b")).post("/admin/accounts").then().statusCode(400).body("field", equalTo("name"));
        given().header("Authorization", "Bearer " + Api.ADMIN_TOKEN).body("{").post("/admin/accounts")
                .then().statusCode(400).body("error", startsWith("malformed JSON"));
    }

    @Test
    void theBootstrapKeyWorksWithoutCreatingAnAccount() {
        given().header("X-API-Key", "test-key").get("/jobs").then().statusCode(200);
        given().header("X-API-Key", "test-key" + "x").get("/jobs").then().statusCode(401);
    }

    @Test
    void submissionsWithoutAKnownKeyAreRejectedAndNothingIsStored() throws Exception {
        Api.submit(Map.of("url", "http://127.0.0.1:1/nokey")).statusCode(401).body("error", equalTo("missing API key"));
        Api.submit(Map.of("apiKey", "wrong", "url", "http://127.0.0.1:1/badkey")).statusCode(401)
                .body("error", equalTo("unknown API key"));
        try (Connection db = TestDatabase.connect();
             ResultSet rows = db.createStatement().executeQuery("select count(*) from job where url like 'http://127.0.0.1:1/%key'")) {
            rows.next();
            assertThat(rows.getInt(1), is(0));
        }
    }
}
