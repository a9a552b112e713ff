package dev.asyncgateway.api;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** An account's API key as the client presented it (header, query parameter or request body). */
public final class ApiKeyAuthenticationRequest extends BaseAuthenticationRequest {

    private final String apiKey;

    public ApiKeyAuthenticationRequest(String apiKey) {
        this.apiKey = apiKey;
    }

    public String apiKey() {
        return apiKey;
    }
}
