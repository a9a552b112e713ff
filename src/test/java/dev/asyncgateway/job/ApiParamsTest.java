package dev.asyncgateway.job;

import dev.asyncgateway.testsupport.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** ScraperAPI parameters: what this gateway honours, what it accepts only while unused, what it refuses. */
@QuarkusTest
class ApiParamsTest {

    private static Map<String, Object> withParam(String name, Object value) {
        return Map.of("apiKey", "test-key", "url", "http://127.0.0.1:1/params", "timeoutSec", 1,
                "apiParams", Map.of(name, value));
    }

    private static Object typed(String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> value.startsWith("'") ? value.substring(1, value.length() - 1) : value;
        };
    }

    @ParameterizedTest
    @CsvSource({
            "follow_redirect, false", "follow_redirect, 'true'", "keep_headers, true", "keep_headers, 'false'",
            "device_type, mobile", "device_type, desktop", "retry_404, 'true'", "output_format, text",
            "output_format, markdown", "render, false", "render, 'false'", "premium, false", "ultra_premium, false",
            "country_code, ''", "session_number, ''", "wait_for_selector, ''", "screenshot, false", "autoparse, 'false'"})
    void acceptedParameters(String name, String value) {
        Api.submit(withParam(name, typed(value))).statusCode(200).body("status", equalTo("running"));
    }

    @ParameterizedTest
    @CsvSource({
            "render, true, proxy pool or a browser", "premium, 'true', proxy pool or a browser",
            "country_code, us, proxy pool or a browser", "session_number, '123', proxy pool or a browser",
            "wait_for_selector, '#main', proxy pool or a browser", "screenshot, true, proxy pool or a browser",
            "autoparse, true, proxy pool or a browser", "ultra_premium, true, proxy pool or a browser",
            "device_type, tablet, must be one of", "output_format, pdf, must be one of",
            "follow_redirect, yes, must be true or false", "bogus_param, 1, unknown apiParams parameter"})
    void refusedParametersAreNamed(String name, String value, String message) {
        Api.submit(withParam(name, typed(value))).statusCode(400)
                .body("field", equalTo("apiParams." + name))
                .body("error", containsString(message));
    }
}
