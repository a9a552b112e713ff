package dev.asyncgateway.testsupport;

import io.restassured.response.Response;

import static io.restassured.RestAssured.given;

/** Signs in to the console the way a browser does (the form, its double-submit token, the post); returns the session cookie. */
public final class ConsoleSignIn {

    public static final String COOKIE = "gw_console";
    private static final String SIGN_IN_COOKIE = "gw_console_signin";

    private ConsoleSignIn() {
    }

    public static String withApiKey(String apiKey) {
        return signIn("account", apiKey);
    }

    public static String asOperator() {
        return signIn("operator", Api.ADMIN_TOKEN);
    }

    private static String signIn(String as, String secret) {
        String token = given().get("/console/sign-in").then().statusCode(200).extract().cookie(SIGN_IN_COOKIE);
        Response signedIn = given().redirects().follow(false).cookie(SIGN_IN_COOKIE, token)
                .formParam("csrf", token).formParam("as", as).formParam("secret", secret)
                .post("/console/sign-in");
        signedIn.then().statusCode(303);
        return signedIn.cookie(COOKIE);
    }
}
