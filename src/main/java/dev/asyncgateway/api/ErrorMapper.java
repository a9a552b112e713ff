package dev.asyncgateway.api;

import dev.asyncgateway.common.ClientError;
import dev.asyncgateway.store.DatabaseFailures;
import com.fasterxml.jackson.core.JacksonException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.time.Duration;

/** The one place where failures become HTTP answers, always in the {@link ApiError} shape and never with a stack trace. */
public class ErrorMapper {

    private static final Logger LOG = Logger.getLogger(ErrorMapper.class);
    private static final Duration DATABASE_RETRY_AFTER = Duration.ofSeconds(5);

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
