package dev.asyncgateway.testsupport;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

import java.util.Map;

import static io.restassured.RestAssured.given;

/** Small steps that many tests take through the public API. */
public final class Api {

    public static final String ADMIN_TOKEN = "test-admin-token";

    private Api() {
    }

    /** A new account of its own, so a test never sees another test's jobs. Returns its API key. */
    public static String newAccount() {
        return given().header("Authorization", "Bearer " + ADMIN_TOKEN).contentType(ContentType.JSON)
                .body(Map.of("name", "test")).post("/admin/accounts")
                .then().statusCode(201).extract().path("apiKey");
    }

    public static ValidatableResponse submit(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).post("/jobs").then();
    }

    /** Submits a job and returns its id. */
    public static String submitJob(Map<String, Object> body) {
        return submit(body).statusCode(200).extract().path("id");
    }

    public static ValidatableResponse job(String id) {
        return given().get("/jobs/" + id).then();
    }

    public static String status(String id) {
        return job(id).statusCode(200).extract().path("status");
    }
}
