package dev.asyncgateway.api;

import dev.asyncgateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.UriInfo;

/**
 * Builds the absolute {@code statusUrl} prefix: the configured public base URL, or else the request's own
 * base. That base honours X-Forwarded-* only from the proxies named in {@code quarkus.http.proxy.trusted-proxies}
 * (none by default, see application.properties): the prefix is stored with the job and sent in its callbacks,
 * so no client may choose its host.
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
