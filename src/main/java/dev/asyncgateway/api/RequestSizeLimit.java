package dev.asyncgateway.api;

import dev.asyncgateway.config.GatewayConfig;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Refuses a request whose declared body is over {@code gateway.jobs.request-max-bytes} before a byte
 * of it is read, with a 413 in the API's error shape (the HTTP server's own limit answers with an
 * empty body). Chunked bodies carry no length up front; {@link JsonBodies} checks those once read.
 */
@ApplicationScoped
public class RequestSizeLimit {

    @Inject
    GatewayConfig config;

    @Inject
    ObjectMapper json;

    void install(@Observes Router router) {
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::check);
    }

    static ApiError tooLarge(long limit) {
        return new ApiError("the request body is larger than " + limit + " bytes", null);
    }

    private void check(RoutingContext ctx) {
        long limit = config.jobs().requestMaxBytes();
        String declared = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared == null || !isOver(declared, limit)) {
            ctx.next();
            return;
        }
        // The unread body would otherwise be drained first: close instead, as the server's own limit does.
        ctx.response().setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(encode(tooLarge(limit)));
    }

    private static boolean isOver(String declared, long limit) {
        try {
            return Long.parseLong(declared.trim()) > limit;
        } catch (NumberFormatException e) {
            return false; // the HTTP codec rejects a malformed Content-Length itself
        }
    }

    private String encode(ApiError error) {
        try {
            return json.writeValueAsString(error);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("ApiError always encodes", e);
        }
    }
}
