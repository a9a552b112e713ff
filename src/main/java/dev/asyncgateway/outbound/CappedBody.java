package dev.asyncgateway.outbound;

import io.vertx.core.buffer.Buffer;

/**
 * A response body buffered up to a limit: an endless or huge body costs at most the limit in memory. Past the
 * limit the answer is dropped (for a target's page, which must be whole), or the body is cut at the limit (for
 * the log of a receiver's answer), per {@link Limit}.
 */
public final class CappedBody {

    /** How much of a body to keep, and what to do with the rest. */
    public record Limit(int maxBytes, boolean truncate) {

        /** At most {@code maxBytes}; a larger body fails the exchange with {@link BodyTooLargeException}. */
        public static Limit failing(int maxBytes) {
            return new Limit(maxBytes, false);
        }

        /** The first {@code maxBytes}; the rest is read and dropped until the answer ends or its deadline cuts it off. */
        public static Limit truncating(int maxBytes) {
            return new Limit(maxBytes, true);
        }
    }

    /** Raised when a body grows past its limit. */
    static final class BodyTooLargeException extends RuntimeException {
        BodyTooLargeException(int maxBytes) {
            super("response body larger than " + maxBytes + " bytes", null, false, false);
        }
    }

    private final Limit limit;
    private final Buffer body = Buffer.buffer();

    CappedBody(Limit limit) {
        this.limit = limit;
    }

    /** Keeps {@code data}, or as much of it as the limit allows; false when the answer must be dropped instead. */
    boolean append(Buffer data) {
        int maxBytes = limit.maxBytes();
        if (body.length() + data.length() <= maxBytes) {
            body.appendBuffer(data);
            return true;
        }
        if (limit.truncate()) {
            if (body.length() < maxBytes) {
                body.appendBuffer(data, 0, maxBytes - body.length());
            }
            return true;
        }
        return false;
    }

    BodyTooLargeException tooLarge() {
        return new BodyTooLargeException(limit.maxBytes());
    }

    byte[] bytes() {
        return body.getBytes();
    }
}
