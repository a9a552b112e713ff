package dev.asyncgateway.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.asyncgateway.common.ClientError;
import dev.asyncgateway.common.Sha256;


/**
 * A client's {@code Idempotency-Key} header and a fingerprint of the request it came with, so a replay
 * can be told apart from a different request that reuses the key.
 *
 * @param requestHash SHA-256 of the request body as parsed (so whitespace does not matter)
 */
public record IdempotencyKey(String value, byte[] requestHash) {

    public static final String HEADER = "Idempotency-Key";
    private static final int MAX_LENGTH = 255;

    /** The key of a request, or null when it has none. */
    public static IdempotencyKey of(String header, JsonNode body) {
        if (header == null) {
            return null;
        }
        if (header.isEmpty() || header.length() > MAX_LENGTH || !header.chars().allMatch(c -> c > 32 && c < 127)) {
            throw ClientError.invalid("'" + HEADER + "' must be 1 to " + MAX_LENGTH + " visible ASCII characters", HEADER);
        }
        return new IdempotencyKey(header, Sha256.of(body.toString()));
    }

}
