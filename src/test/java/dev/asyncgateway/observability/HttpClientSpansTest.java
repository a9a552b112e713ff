package dev.asyncgateway.observability;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A span's server address and port, read in place for plain URLs, are what {@link URI} reads for every URL. */
class HttpClientSpansTest {

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8089/page?i=7", "https://example.com/a#x", "http://example.com",
            "http://Example.COM:80?q=1", "https://a-b.example.org:65535/", "http://host:0080/", "http://host:/x",
            "https://user:secret@example.com:8443/", "http://[::1]:8080/", "HTTP://example.com/", "http://exa_mple.com/",
            "http://example.com:99999/", "http://example.com:8x/", "http:///path", "http://host%41.com/"})
    void readsTheAuthorityAsUriDoes(String url) {
        URI uri = URI.create(url);
        HttpClientSpans.Authority expected = uri.getHost() == null ? null : new HttpClientSpans.Authority(uri.getHost(),
                uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
        assertEquals(expected, HttpClientSpans.Authority.of(url));
    }
}
