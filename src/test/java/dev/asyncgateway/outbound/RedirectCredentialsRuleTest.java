package dev.asyncgateway.outbound;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The origin rule for credentials on redirects, as in the Fetch standard: scheme, host and port must all match. */
class RedirectCredentialsRuleTest {

    @ParameterizedTest(name = "{0} -> {1}: credentials kept {2}")
    @CsvSource({
            "http://example.com/a,          http://example.com/b,          true",
            "http://Example.COM/a,          http://example.com:80/b,       true",
            "https://example.com/a,         https://example.com:443/b?q,   true",
            "https://example.com/a,         http://example.com/a,          false",
            "http://example.com/a,          https://example.com/a,         false",
            "http://example.com/a,          http://example.com:8080/a,     false",
            "http://example.com/a,          http://other.example/a,        false",
            "http://example.com/a,          http://sub.example.com/a,      false",
            "http://127.0.0.1:8080/a,       http://127.0.0.1:8081/a,       false",
            "http://[::1]:8080/a,           http://[::1]:8080/b,           true",
    })
    void credentialsFollowOnlyWithinTheOrigin(String from, String to, boolean kept) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("authorization", "Bearer t");
        headers.put("COOKIE", "s=1");
        headers.put("Proxy-Authorization", "Basic x");
        headers.put("X-Other", "y");

        Map<String, String> next = RedirectCredentials.forHop(URI.create(from), URI.create(to), headers);

        assertEquals(kept ? 4 : 1, next.size(), () -> "headers sent to " + to + ": " + next);
        assertEquals("y", next.get("X-Other"));
    }
}
