package dev.asyncgateway.api;

import dev.asyncgateway.config.GatewayConfig;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The operator: a Bearer token equal to {@code GATEWAY_ADMIN_TOKEN}, compared in constant time. Without a configured
 * token no Bearer token is accepted (and the admin endpoints answer 404, see {@link ErrorMapper}).
 */
@ApplicationScoped
public class AdminTokenIdentityProvider implements IdentityProvider<AdminTokenAuthenticationRequest> {

    @Inject
    GatewayConfig config;

    /** Whether the admin endpoints exist: only with a non-blank {@code GATEWAY_ADMIN_TOKEN}. */
    public boolean configured() {
        return config.adminToken().filter(t -> !t.isBlank()).isPresent();
    }

    @Override
    public Class<AdminTokenAuthenticationRequest> getRequestType() {
        return AdminTokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(AdminTokenAuthenticationRequest request, AuthenticationRequestContext context) {
        String token = config.adminToken().filter(t -> !t.isBlank()).orElse(null);
        if (token == null || !MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                request.token().getBytes(StandardCharsets.UTF_8))) {
            return Uni.createFrom().failure(new AuthenticationFailedException("missing or wrong admin token"));
        }
        return Uni.createFrom().item(Identities.OPERATOR);
    }
}
