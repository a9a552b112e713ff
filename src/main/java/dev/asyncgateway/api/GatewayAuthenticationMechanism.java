package dev.asyncgateway.api;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Set;

/**
 * Where a request's credentials are: an account's API key in {@code X-API-Key}, {@code Authorization: Token <key>}
 * or the {@code apiKey} query parameter (ScraperAPI style), in that order; else the operator's
 * {@code Authorization: Bearer <token>}. Without either the caller is anonymous, which the endpoints that need no
 * key ({@code GET /jobs/{id}}, batch summaries, health) accept. Authentication is lazy
 * ({@code quarkus.http.auth.proactive=false}): it runs only for endpoints that declare a role, and its failures
 * are answered by {@link ErrorMapper} like every other error.
 */
@ApplicationScoped
public class GatewayAuthenticationMechanism implements HttpAuthenticationMechanism {

    private static final Set<Class<? extends AuthenticationRequest>> CREDENTIAL_TYPES =
            Set.of(ApiKeyAuthenticationRequest.class, AdminTokenAuthenticationRequest.class);

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        HttpServerRequest request = context.request();
        String apiKey = apiKey(request);
        if (apiKey != null) {
            return identities.authenticate(new ApiKeyAuthenticationRequest(apiKey));
        }
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return identities.authenticate(new AdminTokenAuthenticationRequest(authorization.substring(7).trim()));
        }
        return Uni.createFrom().nullItem();
    }

    /** The API key of the request, or null when it carries none. */
    private static String apiKey(HttpServerRequest request) {
        String header = request.getHeader("X-API-Key");
        if (header != null && !header.isBlank()) {
            return header.trim();
        }
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Token ", 0, 6)) {
            String key = authorization.substring(6).trim();
            return key.isEmpty() ? null : key;
        }
        String parameter = request.getParam("apiKey");
        return parameter == null || parameter.isBlank() ? null : parameter;
    }

    /** Unused in practice: {@link ErrorMapper} answers every authentication failure in the API's error shape. */
    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, null, null));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return CREDENTIAL_TYPES;
    }
}
