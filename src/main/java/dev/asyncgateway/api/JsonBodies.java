package dev.asyncgateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Reads request bodies as JSON whatever Content-Type the client sent (curl's default is form
 * encoding), so a missing header is never the reason a valid request fails.
 */
@ApplicationScoped
public class JsonBodies {

    @Inject
    ObjectMapper json;

    public JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            throw ClientError.invalid("the request body must be a JSON object", null);
        }
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw ClientError.invalid("malformed JSON: " + e.getOriginalMessage(), null);
        }
    }
}
