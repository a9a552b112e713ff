package dev.asyncgateway.api;

import dev.asyncgateway.testsupport.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/** A deployment behind a public base URL and without an admin token. */
@QuarkusTest
@TestProfile(ConfiguredDeploymentTest.Profile.class)
class ConfiguredDeploymentTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.public-base-url", "https://gateway.example.com/api", "gateway.admin-token", "");
        }
    }

    @Test
    void statusUrlsUseTheConfiguredPublicBaseUrl() {
        Api.submit(Map.of("apiKey", "test-key", "url", "http://127.0.0.1:1/x")).statusCode(200)
                .body("statusUrl", startsWith("https://gateway.example.com/api/jobs/"));
    }

    @Test
    void adminEndpointsDoNotExistWithoutAnAdminToken() {
        given().header("Authorization", "Bearer anything").contentType(ContentType.JSON).body(Map.of("name", "x"))
                .post("/admin/accounts").then().statusCode(404);
    }

    @Test
    void adminEndpointsAnswer404WhateverCredentialsComeWithTheRequest() {
        given().contentType(ContentType.JSON).body(Map.of("name", "x")).post("/admin/accounts")
                .then().statusCode(404).body("error", equalTo("not found"));
        given().header("X-API-Key", "test-key").post("/admin/drain").then().statusCode(404);
        given().header("Authorization", "Bearer ").post("/admin/secrets/re-encrypt").then().statusCode(404);
        given().header("X-API-Key", "test-key").get("/jobs").then().statusCode(200);
    }
}
