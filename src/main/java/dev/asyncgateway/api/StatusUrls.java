package dev.asyncgateway.api;

import dev.asyncgateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.UriInfo;

/**
 * Builds the absolute {@code statusUrl} prefix: the configured public base URL, or else the
 * request's own base (which honours X-Forwarded-* through Quarkus' proxy settings).
 */
@ApplicationScoped
public class StatusUrls {

    @Inject
    GatewayConfig config;

    public String prefix(UriInfo request) {
        String base = config.publicBaseUrl().orElseGet(() -> request.getBaseUri().toString());
        return (base.endsWith("/") ? base : base + "/") + "jobs/";
    }
}
