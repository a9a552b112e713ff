package dev.asyncgateway.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.matchesPattern;

/** Behind a reverse proxy named in quarkus.http.proxy.trusted-proxies, statusUrl is the address the proxy was reached at. */
@QuarkusTest
@TestProfile(TrustedProxyStatusUrlTest.LoopbackProxy.class)
class TrustedProxyStatusUrlTest {

    /** The test client connects from loopback: here it plays the proxy. */
    public static class LoopbackProxy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.proxy.trusted-proxies", "127.0.0.1,::1/128");
        }
    }

    @Test
    void statusUrlHonoursForwardedHeadersFromATrustedProxy() {
        given().header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "jobs.example.org")
                .header("X-Forwarded-Prefix", "/gw")
                .contentType(ContentType.JSON).body(Map.of("apiKey", "test-key", "url", "http://127.0.0.1:1/x"))
                .post("/jobs").then().statusCode(200)
                .body("statusUrl", matchesPattern("https://jobs\\.example\\.org/gw/jobs/[0-9a-f-]{36}"));
    }
}
