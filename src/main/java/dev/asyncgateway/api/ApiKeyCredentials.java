package dev.asyncgateway.api;

import io.vertx.core.http.HttpServerRequest;

/**
 * Where endpoints other than submission take the API key from: {@code X-API-Key},
 * {@code Authorization: Token <key>}, or the {@code apiKey} query parameter (ScraperAPI style).
 */
public final class ApiKeyCredentials {

    private ApiKeyCredentials() {
    }

    public static String from(HttpServerRequest request) {
        String header = request.getHeader("X-API-Key");
        if (header != null && !header.isBlank()) {
            return header.trim();
        }
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Token ", 0, 6)) {
            return authorization.substring(6).trim();
        }
        return request.getParam("apiKey");
    }
}
