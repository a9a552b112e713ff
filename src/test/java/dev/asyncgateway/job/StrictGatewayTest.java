package dev.asyncgateway.job;

import dev.asyncgateway.testsupport.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** {@code GATEWAY_JOBS_PARAMS=strict}: every request is refused instead of warned, without any Prefer header. */
@QuarkusTest
@TestProfile(StrictGatewayTest.Strict.class)
class StrictGatewayTest {

    public static class Strict implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.jobs.params", "strict");
        }
    }

    @Test
    void unknownFieldsAndUnservedParametersAreRefused() {
        String key = Api.newAccount();
        Api.submit(Map.of("apiKey", key, "url", "http://127.0.0.1:1/x", "colour", "red")).statusCode(400)
                .body("field", equalTo("colour"));
        Api.submit(Map.of("apiKey", key, "url", "http://127.0.0.1:1/x", "apiParams", Map.of("render", true))).statusCode(400)
                .body("field", equalTo("apiParams.render"))
                .body("error", containsString("no browser is configured"));
        Api.submit(Map.of("apiKey", key, "url", "http://127.0.0.1:1/x", "render", false)).statusCode(200);
    }
}
