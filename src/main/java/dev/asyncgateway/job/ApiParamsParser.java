package dev.asyncgateway.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.asyncgateway.common.ClientError;
import dev.asyncgateway.common.PeerText;
import dev.asyncgateway.render.Renderer;
import dev.asyncgateway.store.ApiParams;
import dev.asyncgateway.common.ClientError;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Validates {@code apiParams}. Parameters that need a proxy pool or a browser are accepted only
 * while they ask for nothing (false, empty, null), so a client never silently gets less than it asked for.
 */
@ApplicationScoped
public class ApiParamsParser {

    private static final Set<String> NEEDS_PROXY_OR_BROWSER = Set.of("render", "premium", "ultra_premium",
            "country_code", "session_number", "wait_for_selector", "screenshot", "autoparse");
    private static final Set<String> NEEDS_BROWSER = Set.of("render", "wait_for_selector", "screenshot");
    static final int SELECTOR_MAX_LENGTH = 1024;

    @Inject
    Renderer renderer;

    public ApiParams parse(JsonNode node) {
        if (node == null || node.isNull()) {
            return ApiParams.DEFAULTS;
        }
        if (!node.isObject()) {
            throw ClientError.invalid("'apiParams' must be an object", "apiParams");
        }
        boolean followRedirect = true;
        boolean keepHeaders = false;
        boolean retry404 = false;
        String deviceType = null;
        String outputFormat = null;
        boolean render = false;
        boolean screenshot = false;
        String waitForSelector = null;
        boolean browser = renderer.available();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> param = it.next();
            String name = param.getKey();
            JsonNode value = param.getValue();
            String field = "apiParams." + name;
            switch (name) {
                case "follow_redirect" -> followRedirect = isNull(value) || Flags.bool(value, field);
                case "keep_headers" -> keepHeaders = !isNull(value) && Flags.bool(value, field);
                case "retry_404" -> retry404 = !isNull(value) && Flags.bool(value, field);
                case "device_type" -> deviceType = oneOf(value, field, Set.of("desktop", "mobile"));
                case "output_format" -> outputFormat = oneOf(value, field, Set.of("text", "markdown"));
                case "render" -> render = browser ? !isNull(value) && Flags.bool(value, field) : refuseAsking(name, value, field);
                case "screenshot" -> screenshot = browser ? !isNull(value) && Flags.bool(value, field) : refuseAsking(name, value, field);
                case "wait_for_selector" -> waitForSelector = browser ? selector(value, field) : refuseSelector(name, value, field);
                default -> {
                    if (!NEEDS_PROXY_OR_BROWSER.contains(name)) {
                        throw ClientError.invalid("unknown apiParams parameter '" + name + "'", field);
                    }
                    if (asksForSomething(value)) {
                        throw ClientError.invalid("'" + name + "' needs a proxy pool or a browser, which this gateway does not offer", field);
                    }
                }
            }
        }
        // A screenshot and a selector need the rendered page.
        render = render || screenshot || waitForSelector != null;
        return new ApiParams(followRedirect, keepHeaders, deviceType, retry404, outputFormat, render, waitForSelector, screenshot);
    }

    /** Without a browser (see {@link Renderer#available()}), a browser parameter is accepted only while it asks for nothing. */
    private static boolean refuseAsking(String name, JsonNode value, String field) {
        if (asksForSomething(value)) {
            throw ClientError.invalid("'" + name + "' needs a proxy pool or a browser, which this gateway does not offer", field);
        }
        return false;
    }

    private static String refuseSelector(String name, JsonNode value, String field) {
        refuseAsking(name, value, field);
        return null;
    }

    private static String selector(JsonNode value, String field) {
        if (isNull(value) || (value.isTextual() && value.asText().isBlank())) {
            return null;
        }
        if (!value.isTextual()) {
            throw ClientError.invalid("'" + field + "' must be a CSS selector (a string)", field);
        }
        String selector = value.asText().trim();
        if (selector.length() > SELECTOR_MAX_LENGTH || !PeerText.isClean(selector) || selector.chars().anyMatch(c -> c < 0x20)) {
            throw ClientError.invalid("'" + field + "' must be a CSS selector of at most " + SELECTOR_MAX_LENGTH
                    + " characters without control characters", field);
        }
        return selector;
    }

    private static boolean isNull(JsonNode value) {
        return value == null || value.isNull();
    }

    private static String oneOf(JsonNode value, String field, Set<String> allowed) {
        if (isNull(value) || (value.isTextual() && value.asText().isEmpty())) {
            return null;
        }
        if (!value.isTextual() || !allowed.contains(value.asText())) {
            throw ClientError.invalid("'" + field + "' must be one of " + String.join(", ", new java.util.TreeSet<>(allowed)), field);
        }
        return value.asText();
    }

    private static boolean asksForSomething(JsonNode value) {
        if (isNull(value)) {
            return false;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isTextual()) {
            String text = value.asText().trim();
            return !text.isEmpty() && !text.equalsIgnoreCase("false");
        }
        return true;
    }
}
