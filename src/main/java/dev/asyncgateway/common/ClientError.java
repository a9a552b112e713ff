package dev.asyncgateway.common;

import java.time.Duration;

/**
 * A request the client must change. The {@link Kind} decides the HTTP status; the message and
 * field end up in the {@link ApiError} body.
 */
public final class ClientError extends RuntimeException {

    public enum Kind {
        INVALID_INPUT(400),
        UNAUTHORIZED(401),
        NOT_FOUND(404),
        CONFLICT(409),
        PAYLOAD_TOO_LARGE(413),
        RATE_LIMITED(429),
        UNAVAILABLE(503);

        final int status;

        Kind(int status) {
            this.status = status;
        }
    }

    private final Kind kind;
    private final String field;
    private final Duration retryAfter;

    private ClientError(Kind kind, String message, String field, Duration retryAfter) {
        super(message, null, false, false);
        this.kind = kind;
        this.field = field;
        this.retryAfter = retryAfter;
    }

    public static ClientError invalid(String message, String field) {
        return new ClientError(Kind.INVALID_INPUT, message, field, null);
    }

    public static ClientError unauthorized(String message) {
        return new ClientError(Kind.UNAUTHORIZED, message, null, null);
    }

    public static ClientError notFound(String message) {
        return new ClientError(Kind.NOT_FOUND, message, null, null);
    }

    public static ClientError conflict(String message) {
        return new ClientError(Kind.CONFLICT, message, null, null);
    }

    public static ClientError tooLarge(String message, String field) {
        return new ClientError(Kind.PAYLOAD_TOO_LARGE, message, field, null);
    }

    public static ClientError rateLimited(Duration retryAfter) {
        return new ClientError(Kind.RATE_LIMITED, "rate limit exceeded", null, retryAfter);
    }

    public static ClientError unavailable(String message, Duration retryAfter) {
        return new ClientError(Kind.UNAVAILABLE, message, null, retryAfter);
    }

    public int status() {
        return kind.status;
    }

    public Kind kind() {
        return kind;
    }

    public String field() {
        return field;
    }

    /** When set, sent as {@code Retry-After} in whole seconds. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
