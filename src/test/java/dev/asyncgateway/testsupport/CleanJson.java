package dev.asyncgateway.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Checks that what the API returns can be stored and read by anyone: valid UTF-8 on the wire, and no string
 * (value or field name) holding a NUL or a lone surrogate, whatever bytes a peer sent. U+FFFD, the replacement
 * character, is fine: it is how a sanitiser marks what it could not keep.
 */
public final class CleanJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CleanJson() {
    }

    /** Parses an answer body strictly (invalid UTF-8 fails) and checks every string in it; returns the tree. */
    public static JsonNode parseClean(String what, byte[] body) {
        JsonNode tree;
        try {
            tree = JSON.readTree(body);
        } catch (IOException e) {
            return fail(what + ": not valid JSON in UTF-8 (" + e.getMessage() + "): " + new String(body, StandardCharsets.UTF_8));
        }
        assertClean(what, "$", tree);
        return tree;
    }

    /** Fails when the UTF-8 form of the text at {@code field} (when present) is longer than {@code maxBytes}. */
    public static void assertAtMostBytes(String what, JsonNode node, String field, int maxBytes) {
        JsonNode value = node.get(field);
        if (value != null && value.isTextual()) {
            int bytes = value.asText().getBytes(StandardCharsets.UTF_8).length;
            assertTrue(bytes <= maxBytes, what + ": " + field + " is " + bytes + " bytes, more than " + maxBytes);
        }
    }

    private static void assertClean(String what, String path, JsonNode node) {
        if (node.isTextual()) {
            assertCleanText(what, path, node.asText());
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                assertClean(what, path + "[" + i + "]", node.get(i));
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                assertCleanText(what, path + " (a field name)", field.getKey());
                assertClean(what, path + "." + field.getKey(), field.getValue());
            }
        }
    }

    private static void assertCleanText(String what, String path, String text) {
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (cp == 0 || (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE)) {
                fail(String.format("%s: %s holds U+%04X at character %d: %s", what, path, cp, i, escaped(text)));
            }
            i += Character.charCount(cp);
        }
    }

    /** The text with control characters and surrogates escaped, cut to a readable length. */
    private static String escaped(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < 300; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) || Character.isSurrogate(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return text.length() > 300 ? out + "…" : out.toString();
    }
}
