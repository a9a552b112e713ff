package dev.asyncgateway.api;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** The Bearer token of an {@code Authorization} header, to be compared with {@code GATEWAY_ADMIN_TOKEN}. */
public final class AdminTokenAuthenticationRequest extends BaseAuthenticationRequest {

    private final String token;

    public AdminTokenAuthenticationRequest(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }
}
