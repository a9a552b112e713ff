package dev.asyncgateway.job;

import dev.asyncgateway.testsupport.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/** ScraperAPI parameters: what this gateway honours, what it ignores with a warning (strict: refuses), what it refuses. */
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
            "output_format, markdown", "output_format, html", "output_format, HTML", "render, false", "render, 'false'",
            "premium, false", "ultra_premium, false", "country_code, ''", "session_number, ''", "wait_for_selector, ''",
            "screenshot, false", "autoparse, 'false'", "max_cost, '5'", "max_cost, '0.5'"})
    void acceptedParametersSayNothing(String name, String value) {
        Api.submit(withParam(name, typed(value))).statusCode(200).body("status", equalTo("running"))
                .body("$", not(hasKey("warnings")));
    }

    @ParameterizedTest
    @CsvSource({
            "render, true, no browser is configured", "premium, 'true', no proxy pool is configured",
            "country_code, us, no proxy pool is configured", "session_number, '123', no proxy pool is configured",
            "wait_for_selector, '#main', no browser is configured", "screenshot, true, no browser is configured",
            "autoparse, true, structured parsing is not offered", "ultra_premium, true, no proxy pool is configured",
            "bogus_param, 1, unknown parameter", "rendr, true, did you mean 'apiParams.render'?"})
    void parametersNotServedAreIgnoredWithAWarningOrRefusedWhenStrict(String name, String value, String why) {
        Api.submit(withParam(name, typed(value))).statusCode(200)
                .header("Preference-Applied", "handling=lenient")
                .body("warnings", contains(startsWith("ignored 'apiParams." + name + "': " + why)));
        given().contentType(ContentType.JSON).header("Prefer", "handling=strict").body(withParam(name, typed(value)))
                .post("/jobs").then().statusCode(400)
                .body("field", equalTo("apiParams." + name))
                .body("error", containsString(why.startsWith("did you mean") ? why : "'apiParams." + name + "'"));
    }

    @ParameterizedTest
    @CsvSource({
            "device_type, tablet, must be one of", "output_format, pdf, must be one of",
            "follow_redirect, yes, must be true or false", "render, yes, must be true or false",
            "country_code, usa, two-letter country code", "session_number, abc, whole number",
            "session_number, '-1', whole number", "max_cost, five, number of credits"})
    void wrongTypesAndImpossibleValuesAreRefusedInBothModes(String name, String value, String message) {
        for (String prefer : new String[]{"handling=lenient", "handling=strict"}) {
            given().contentType(ContentType.JSON).header("Prefer", prefer).body(withParam(name, typed(value)))
                    .post("/jobs").then().statusCode(400)
                    .body("field", equalTo("apiParams." + name))
                    .body("error", containsString(message));
        }
    }
}
