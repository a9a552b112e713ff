package dev.asyncgateway.callback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;

/** Custom webhook headers as stored in the database: a JSON array of {@code {"key","value"}}, null for none. */
@ApplicationScoped
public class WebhookHeaderCodec {

    private static final TypeReference<List<WebhookHeader>> HEADERS = new TypeReference<>() {
    };

    @Inject
    ObjectMapper json;

    public List<WebhookHeader> read(String stored) {
        try {
            return stored == null ? List.of() : json.readValue(stored, HEADERS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored headers are always valid JSON", e);
        }
    }

    public String write(List<WebhookHeader> headers) {
        try {
            return headers.isEmpty() ? null : json.writeValueAsString(headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("header records always encode", e);
        }
    }
}
