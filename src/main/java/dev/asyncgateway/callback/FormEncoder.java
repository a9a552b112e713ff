package dev.asyncgateway.callback;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Encodes a JSON object as {@code application/x-www-form-urlencoded}, nested fields flattened in the
 * bracket notation that PHP, Rails and qs-style parsers read back into objects:
 * {@code response[statusCode]=200}, {@code meta[tags][0]=a}. Nulls are left out; brackets stay literal
 * for readability (every form parser accepts them, encoded or not).
 */
public final class FormEncoder {

    private FormEncoder() {
    }

    public static String encode(JsonNode object) {
        StringJoiner form = new StringJoiner("&");
        for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            add(form, escape(field.getKey()), field.getValue());
        }
        return form.toString();
    }

    private static void add(StringJoiner form, String name, JsonNode value) {
        if (value == null || value.isNull()) {
            return;
        }
        if (value.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                add(form, name + "[" + escape(field.getKey()) + "]", field.getValue());
            }
        } else if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                add(form, name + "[" + i + "]", value.get(i));
            }
        } else {
            form.add(name + "=" + escape(value.asText()));
        }
    }

    private static String escape(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
