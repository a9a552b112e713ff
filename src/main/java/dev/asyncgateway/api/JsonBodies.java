package dev.asyncgateway.api;

import dev.asyncgateway.common.ClientError;
import dev.asyncgateway.config.GatewayConfig;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;

/**
 * Reads request bodies as JSON whatever Content-Type the client sent (curl's default is form
 * encoding), so a missing header is never the reason a valid request fails.
 */
@ApplicationScoped
public class JsonBodies {

    @Inject
    ObjectMapper json;

    @Inject
    GatewayConfig config;

    public JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            throw ClientError.invalid("the request body must be a JSON object", null);
        }
        long limit = config.jobs().requestMaxBytes();
        // Chunked bodies get here unmeasured (see RequestSizeLimit). UTF-8 takes 1 to 3 bytes per char,
        // so only bodies near the limit are worth encoding to count.
        if (body.length() > limit || (body.length() > limit / 3 && body.getBytes(StandardCharsets.UTF_8).length > limit)) {
            throw ClientError.tooLarge(RequestSizeLimit.tooLarge(limit).error(), null);
        }
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw ClientError.invalid("malformed JSON: " + e.getOriginalMessage(), null);
        }
    }
}
