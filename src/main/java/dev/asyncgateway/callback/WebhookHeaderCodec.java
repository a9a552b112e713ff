package dev.asyncgateway.callback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.asyncgateway.common.SecretsAtRest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Custom webhook headers as stored in the database: a JSON array of {@code {"key","value"}}, null for none.
 * Values are stored sealed (see {@link SecretsAtRest}); names stay clear. {@link #read} gives them back clear.
 */
@ApplicationScoped
public class WebhookHeaderCodec {

    private static final TypeReference<List<WebhookHeader>> HEADERS = new TypeReference<>() {
    };

    @Inject
    ObjectMapper json;

    @Inject
    SecretsAtRest secrets;

    /** The headers with their values in clear. */
    public List<WebhookHeader> read(String stored) {
        return withValues(parse(stored), secrets::open);
    }

    public String write(List<WebhookHeader> headers) {
        return headers.isEmpty() ? null : encode(withValues(headers, secrets::seal));
    }

    /** The stored headers with every value under the current key; {@code stored} itself when they already are. */
    public String reseal(String stored) {
        List<WebhookHeader> headers = parse(stored);
        if (headers.stream().allMatch(header -> secrets.isCurrent(header.value()))) {
            return stored;
        }
        return encode(withValues(headers, secrets::reseal));
    }

    private static List<WebhookHeader> withValues(List<WebhookHeader> headers, UnaryOperator<String> value) {
        return headers.stream().map(header -> new WebhookHeader(header.key(), value.apply(header.value()))).toList();
    }

    private List<WebhookHeader> parse(String stored) {
        try {
            return stored == null ? List.of() : json.readValue(stored, HEADERS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored headers are always valid JSON", e);
        }
    }

    private String encode(List<WebhookHeader> headers) {
        try {
            return json.writeValueAsString(headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("header records always encode", e);
        }
    }
}
