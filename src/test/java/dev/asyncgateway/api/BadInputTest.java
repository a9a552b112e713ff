package dev.asyncgateway.api;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.Jobs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * One row per malformed submission: each gets its status, the one error shape naming the field to
 * blame, and stores nothing. {@code KEY} in a body stands for a fresh account's API key, {@code URL}
 * for a valid target URL unique to the row.
 */
@QuarkusTest
class BadInputTest {

    private static final String JOB = "/jobs";
    private static final String BATCH = "/batchjobs";

    static Stream<Arguments> malformedRequests() {
        String longUrl = "http://127.0.0.1:1/" + "a".repeat(8200);
        String manyHeaders = IntStream.range(0, 65).mapToObj(i -> "\"X-H" + i + "\":\"v\"").collect(Collectors.joining(","));
        String manyUrls = IntStream.range(0, 1001).mapToObj(i -> "\"URL/" + i + "\"").collect(Collectors.joining(","));
        return Stream.of(
                arguments("malformed JSON", JOB, "{\"apiKey\":\"KEY\",\"url\":", 400, null),
                arguments("array instead of object", JOB, "[\"URL\"]", 400, null),
                arguments("empty body", JOB, "", 400, null),
                arguments("url missing", JOB, "{\"apiKey\":\"KEY\"}", 400, "url"),
                arguments("url not a string", JOB, "{\"apiKey\":\"KEY\",\"url\":42}", 400, "url"),
                arguments("url too long", JOB, "{\"apiKey\":\"KEY\",\"url\":\"" + longUrl + "\"}", 400, "url"),
                arguments("url not http", JOB, "{\"apiKey\":\"KEY\",\"url\":\"ftp://example.com/f\"}", 400, "url"),
                arguments("url without host", JOB, "{\"apiKey\":\"KEY\",\"url\":\"http:///x\"}", 400, "url"),
                arguments("url with credentials", JOB, "{\"apiKey\":\"KEY\",\"url\":\"http://u:p@example.com/\"}", 400, "url"),
                arguments("url unparsable", JOB, "{\"apiKey\":\"KEY\",\"url\":\"http://exa mple.com/\"}", 400, "url"),
                arguments("url to the unspecified address", JOB, "{\"apiKey\":\"KEY\",\"url\":\"http://0.0.0.0:80/\"}", 400, "url"),
                arguments("unknown method", JOB, "{\"apiKey\":\"KEY\",\"url\":\"URL\",\"method\":\"TRACE\"}", 400, "method"),
                arguments("headers not an object", JOB, "{\"apiKey\":\"KEY\",\"url\":\"URL\",\"headers\":[\"a\"]}", 400, "headers"),
                arguments("too many headers", JOB, "{\"apiKey\":\"KEY\",\"url\":\"URL\",\"headers\":{" + manyHeaders + "}}", 400, "headers"),
                arguments("headers too large", JOB, "{\"apiKey\":\"KEY\",\"url\":\"URL\",\"headers\":{\"X-Big\":\"" + "v".repeat(16400) + "\"}}", 400, "headers"),
                arguments("header with a line break", JOB, "{\"apiKey\":\"KEY\",\"url\":\"URL\",\"headers\":{\"X-A\":\"a\\r\\nX-B: b\"}}", 400, "headers.X-A"),
                arguments("header name not a token", JOB, "{\"apiKey\":\"KEY\",\"url\":\"URL\",\"headers\":{\"Bad Name\":\"v\"}}", 400, "headers.Bad Name"),
                arguments("body not a string", JOB, "{\"apiKey\":\"KEY\",\"url\":\"URL\",\"body\":{\"a\":1}}", 400, "body"),
                arguments("body with a NUL character", JOB, "{\"apiKey\":\"KEY\",\"url\":\"URL\",\"method\":\"POST\",\"body\":\"a\\u0000b\"}", 400, "body"),
                arguments("url with a NUL character", JOB, "{\"apiKey\":\"KEY\",\"url\":\"http://example.com/a\\u0000b\"}", 400, "url"),
                arguments("body too large", JOB, "{\"apiKey\":\"KEY\",\"url\":\"URL\",\"method\":\"POST\",\"body\":\"" + "b".repeat(1_048_577) + "\"}", 413, "body"),
                arguments("meta not an object", JOB, "{\"apiKey\":\"KEY\",\"url\":\"URL\",\"meta\":\"m\"}", 400, "meta"),
                arguments("meta too large", JOB, "{\"apiKey\":\"KEY\",\"url\":\"URL\",\"meta\":{\"m\":\"" + "m".repeat(16400) + "\"}}", 413, "meta"),
                arguments("timeoutSec zero", JOB, "{\"apiKey\":\"KEY\",\"url\":\"URL\",\"timeoutSec\":0}", 400, "timeoutSec"),
                arguments("timeoutSec over the maximum", JOB, "{\"apiKey\":\"KEY\",\"url\":\"URL\",\"timeoutSec\":86401}", 400, "timeoutSec"),
                arguments("timeoutSec not a number", JOB, "{\"apiKey\":\"KEY\",\"url\":\"URL\",\"timeoutSec\":\"soon\"}", 400, "timeoutSec"),
                arguments("apiParams not an object", JOB, "{\"apiKey\":\"KEY\",\"url\":\"URL\",\"apiParams\":true}", 400, "apiParams"),
                arguments("apiParams parameter of the wrong type", JOB, "{\"apiKey\":\"KEY\",\"url\":\"URL\",\"apiParams\":{\"render\":\"yes\"}}", 400, "apiParams.render"),
                arguments("top-level parameter of the wrong type", JOB, "{\"apiKey\":\"KEY\",\"url\":\"URL\",\"premium\":3}", 400, "premium"),
                arguments("callback neither a URL nor an object", JOB, "{\"apiKey\":\"KEY\",\"url\":\"URL\",\"callback\":42}", 400, "callback"),
                arguments("callback string not http", JOB, "{\"apiKey\":\"KEY\",\"url\":\"URL\",\"callback\":\"ftp://x/\"}", 400, "callback"),
                arguments("callback without url", JOB, "{\"apiKey\":\"KEY\",\"url\":\"URL\",\"callback\":{\"type\":\"webhook\"}}", 400, "callback.url"),
                arguments("callback of unknown type", JOB, "{\"apiKey\":\"KEY\",\"url\":\"URL\",\"callback\":{\"type\":\"email\",\"url\":\"URL\"}}", 400, "callback.type"),
                arguments("callback url not http", JOB, "{\"apiKey\":\"KEY\",\"url\":\"URL\",\"callback\":{\"url\":\"mailto:a@b.c\"}}", 400, "callback.url"),
                arguments("project name invalid", JOB, "{\"apiKey\":\"KEY\",\"url\":\"URL\",\"project\":\"a b\"}", 400, "project"),
                arguments("flag not a boolean", JOB, "{\"apiKey\":\"KEY\",\"url\":\"URL\",\"expectUnsuccessReport\":\"maybe\"}", 400, "expectUnsuccessReport"),
                arguments("batch without urls", BATCH, "{\"apiKey\":\"KEY\"}", 400, "urls"),
                arguments("batch urls not an array", BATCH, "{\"apiKey\":\"KEY\",\"urls\":\"URL\"}", 400, "urls"),
                arguments("batch urls empty", BATCH, "{\"apiKey\":\"KEY\",\"urls\":[]}", 400, "urls"),
                arguments("batch over the size cap", BATCH, "{\"apiKey\":\"KEY\",\"urls\":[" + manyUrls + "]}", 400, "urls"),
                arguments("batch with one bad url", BATCH, "{\"apiKey\":\"KEY\",\"urls\":[\"URL\",\"gopher://x/\"]}", 400, "urls[1]"),
                arguments("batch given url instead of urls", BATCH, "{\"apiKey\":\"KEY\",\"url\":\"URL\"}", 400, "url"),
                arguments("job given urls instead of url", JOB, "{\"apiKey\":\"KEY\",\"urls\":[\"URL\"]}", 400, "urls"),
                arguments("no API key", JOB, "{\"url\":\"URL\"}", 401, null),
                arguments("unknown API key", JOB, "{\"apiKey\":\"nope\",\"url\":\"URL\"}", 401, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRequests")
    void malformedSubmissionIsRefusedInTheErrorShapeAndStoresNothing(String name, String path, String body, int status,
                                                                    String field) {
        String key = Api.newAccount();
        String marker = "http://127.0.0.1:1/bad-input-" + UUID.randomUUID();
        given().contentType(ContentType.JSON).body(body.replace("KEY", key).replace("URL", marker))
                .post(path).then()
                .statusCode(status)
                .contentType(ContentType.JSON)
                .body("error", not(emptyString()))
                .body("field", field == null ? nullValue() : equalTo(field));
        assertEquals(0, Jobs.storedFor(key));
        assertEquals(0, Jobs.count("select count(*) from job where url like ?", marker + "%"));
    }
}
