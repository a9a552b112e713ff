package dev.asyncgateway.api;

import dev.asyncgateway.common.ClientError;
import dev.asyncgateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Admin endpoints exist only when GATEWAY_ADMIN_TOKEN is set, and then need it as a Bearer token. */
@ApplicationScoped
public class AdminGuard {

    @Inject
    GatewayConfig config;

    public void check(String authorization) {
        String token = config.adminToken().filter(t -> !t.isBlank())
                .orElseThrow(() -> ClientError.notFound("not found"));
        String presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : "";
        if (!MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8))) {
            throw ClientError.unauthorized("missing or wrong admin token");
        }
    }
}
