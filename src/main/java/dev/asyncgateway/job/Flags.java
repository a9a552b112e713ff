package dev.asyncgateway.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.asyncgateway.common.ClientError;

/** ScraperAPI clients send booleans both as JSON booleans and as "true"/"false" strings. */
final class Flags {

    private Flags() {
    }

    static boolean bool(JsonNode node, String field) {
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isTextual() && (node.asText().equalsIgnoreCase("true") || node.asText().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(node.asText().toLowerCase());
        }
        throw ClientError.invalid("'" + field + "' must be true or false", field);
    }
}
