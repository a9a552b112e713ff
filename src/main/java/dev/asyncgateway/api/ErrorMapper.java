package dev.asyncgateway.api;

import dev.asyncgateway.common.ClientError;
import dev.asyncgateway.store.DatabaseFailures;
import com.fasterxml.jackson.core.JacksonException;
import io.quarkus.security.AuthenticationException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

import java.time.Duration;

/** The one place where failures become HTTP answers, always in the {@link ApiError} shape and never with a stack trace. */
public class ErrorMapper {

    private static final Logger LOG = Logger.getLogger(ErrorMapper.class);
    private static final Duration DATABASE_RETRY_AFTER = Duration.ofSeconds(5);

    @Inject
    AdminTokenIdentityProvider adminToken;

    /** A key or token was presented and rejected. */
    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, SimpleResourceInfo resource) {
        return notAuthenticated(e, resource);
    }

    /** No credentials, on an endpoint that needs them. */
    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, SimpleResourceInfo resource) {
        return notAuthenticated(e, resource);
    }

    /** Credentials of the other kind (an admin token on an account endpoint, or an API key on an admin one). */
    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, SimpleResourceInfo resource) {
        return notAuthenticated(e, resource);
    }

    /**
     * Admin endpoints answer 404 while no admin token is configured (they do not exist), else 401; account endpoints
     * 401, saying whether the key was missing or unknown. A failure to look a key up (the database down) is no
     * authentication failure: it is answered as what it is (503, or 500 for a bug).
     */
    private Response notAuthenticated(RuntimeException e, SimpleResourceInfo resource) {
        boolean rejectedKey = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (!(t instanceof AuthenticationException || t instanceof SecurityException)) {
                return unexpected(e);
            }
            rejectedKey |= ApiKeyIdentityProvider.isRejectedKey(t);
        }
        if (resource != null && resource.getResourceClass() == AdminResource.class) {
            return adminToken.configured()
                    ? answer(401, new ApiError("missing or wrong admin token", null), null)
                    : answer(404, new ApiError("not found", null), null);
        }
        String message = rejectedKey ? ApiKeyIdentityProvider.UNKNOWN : ApiKeyIdentityProvider.MISSING;
        return answer(401, new ApiError(message, null), null);
    }

    @ServerExceptionMapper
    public Response clientError(ClientError e) {
        return answer(e.status(), new ApiError(e.getMessage(), e.field()), e.retryAfter());
    }

    @ServerExceptionMapper
    public Response malformedJson(JacksonException e) {
        return answer(400, new ApiError("malformed JSON: " + e.getOriginalMessage(), null), null);
    }

    @ServerExceptionMapper
    public Response framework(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e);
        }
        String message = e.getResponse().getStatusInfo().getReasonPhrase().toLowerCase();
        if (e.getCause() instanceof JacksonException json) {
            message = "malformed JSON: " + json.getOriginalMessage();
        }
        return answer(status, new ApiError(message, null), null);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        if (DatabaseFailures.isUnreachable(e)) {
            LOG.warnf("database unreachable: %s", e.toString());
            return answer(503, new ApiError("database unavailable, try again shortly", null), DATABASE_RETRY_AFTER);
        }
        LOG.error("unexpected failure", e);
        return answer(500, new ApiError("internal error", null), null);
    }

    private static Response answer(int status, ApiError body, Duration retryAfter) {
        Response.ResponseBuilder builder = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body);
        if (retryAfter != null) {
            builder.header("Retry-After", Math.max(1, retryAfter.toSeconds()));
        }
        return builder.build();
    }
}
