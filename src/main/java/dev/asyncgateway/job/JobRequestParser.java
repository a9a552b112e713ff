package dev.asyncgateway.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.asyncgateway.common.ClientError;
import dev.asyncgateway.common.HeaderRules;
import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.outbound.OutboundUrlPolicy;
import dev.asyncgateway.store.ApiParams;
import dev.asyncgateway.store.JobRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a submission body into a {@link JobRequest}, or rejects it with a 400/413 naming the field.
 * Field names and spellings follow ScraperAPI's async API so its clients work unchanged: fields and parameters this
 * gateway does not use are accepted with a warning (refused when strict, see {@link Leniency}), ScraperAPI's
 * parameters are read at the top level too, and {@code callback} may be the URL alone.
 */
@ApplicationScoped
public class JobRequestParser {

    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD");
    private static final Set<String> COMMON_FIELDS = Set.of("apiKey", "method", "headers", "body", "apiParams",
            "callback", "expectUnsuccessReport", "expectsUnsuccessReport", "timeoutSec", "meta", "project");
    private static final Set<String> CALLBACK_FIELDS = Set.of("type", "url");
    /** Every top-level name a near miss may be a typo of. */
    private static final Set<String> KNOWN_FIELDS;
    public static final Pattern PROJECT_NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    static {
        Set<String> known = new HashSet<>(COMMON_FIELDS);
        known.addAll(ApiParamsParser.NAMES);
        known.add("url");
        known.add("urls");
        KNOWN_FIELDS = Set.copyOf(known);
    }

    @Inject
    GatewayConfig config;

    @Inject
    ApiParamsParser apiParamsParser;

    @Inject
    OutboundUrlPolicy urlPolicy;

    /**
     * @param strict refuse what would otherwise be ignored with a warning ({@code Prefer: handling=strict});
     *               the gateway's {@code gateway.jobs.params=strict} makes every request strict
     */
    public JobRequest parse(JsonNode root, boolean batch, boolean strict) {
        if (root == null || !root.isObject()) {
            throw ClientError.invalid("the request body must be a JSON object", null);
        }
        Leniency leniency = new Leniency(strict || config.jobs().params() == GatewayConfig.ParamsHandling.STRICT);
        boolean topLevelParams = otherFields((ObjectNode) root, batch, leniency);
        GatewayConfig.Jobs limits = config.jobs();
        ApiParams apiParams = apiParamsParser.parse(root.get("apiParams"), topLevelParams ? root : null, leniency);
        return new JobRequest(
                batch ? urls(root.get("urls"), limits) : List.of(targetUrl(root.get("url"), "url", limits)),
                method(root.get("method")),
                headers(root.get("headers"), limits, leniency),
                body(root.get("body"), limits),
                apiParams,
                callbackUrl(root.get("callback"), leniency),
                project(root.get("project")),
                expectUnsuccessReport(root),
                timeoutSec(root.get("timeoutSec"), limits),
                meta(root.get("meta"), limits),
                leniency.warnings());
    }

    /**
     * Looks at the fields other than the common ones: ScraperAPI parameters at the top level (returns whether there
     * are any), the other endpoint's URL field (a 400: the job would have no URL), and unknown fields.
     */
    private static boolean otherFields(ObjectNode root, boolean batch, Leniency leniency) {
        String urlField = batch ? "urls" : "url";
        String otherUrlField = batch ? "url" : "urls";
        boolean topLevelParams = false;
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (name.equals(urlField) || COMMON_FIELDS.contains(name)) {
                continue;
            }
            if (ApiParamsParser.NAMES.contains(name)) {
                topLevelParams = true;
            } else if (name.equals(otherUrlField) && !root.has(urlField)) {
                throw ClientError.invalid(batch ? "POST /batchjobs takes 'urls', an array of URLs; 'url' is for POST /jobs"
                        : "POST /jobs takes one 'url'; 'urls' is for POST /batchjobs", name);
            } else {
                leniency.unknown("", name, KNOWN_FIELDS, "field");
            }
        }
        return topLevelParams;
    }

    private List<String> urls(JsonNode node, GatewayConfig.Jobs limits) {
        if (node == null || node.isNull()) {
            throw ClientError.invalid("'urls' is required", "urls");
        }
        if (!node.isArray()) {
            throw ClientError.invalid("'urls' must be an array of URLs", "urls");
        }
        if (node.isEmpty()) {
            throw ClientError.invalid("'urls' must not be empty", "urls");
        }
        if (node.size() > limits.batchMaxUrls()) {
            throw ClientError.invalid("'urls' holds more than " + limits.batchMaxUrls() + " URLs", "urls");
        }
        List<String> urls = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            urls.add(targetUrl(node.get(i), "urls[" + i + "]", limits));
        }
        return urls;
    }

    private String targetUrl(JsonNode node, String field, GatewayConfig.Jobs limits) {
        if (node == null || node.isNull()) {
            throw ClientError.invalid("'" + field + "' is required", field);
        }
        String url = text(node, field);
        if (url.length() > limits.urlMaxLength()) {
            throw ClientError.invalid("'" + field + "' is longer than " + limits.urlMaxLength() + " characters", field);
        }
        urlPolicy.requireAllowed(url, OutboundUrlPolicy.Use.TARGET, field);
        return url;
    }

    private static String method(JsonNode node) {
        if (node == null || node.isNull()) {
            return "GET";
        }
        String method = text(node, "method").toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw ClientError.invalid("'method' must be one of " + String.join(", ", new java.util.TreeSet<>(METHODS)), "method");
        }
        return method;
    }

    /**
     * A job's headers for its target. Hop-by-hop headers, {@code Host} and {@code Content-Length} belong to the
     * gateway's own connection: browser header sets copied whole carry them, so they are dropped with a warning.
     */
    private static Map<String, String> headers(JsonNode node, GatewayConfig.Jobs limits, Leniency leniency) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw ClientError.invalid("'headers' must be an object of strings", "headers");
        }
        if (node.size() > limits.headersMaxCount()) {
            throw ClientError.invalid("'headers' has more than " + limits.headersMaxCount() + " entries", "headers");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        int bytes = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String field = "headers." + entry.getKey();
            String value = text(entry.getValue(), field);
            HeaderRules.requireWellFormed(entry.getKey(), value, field);
            if (HeaderRules.isManaged(entry.getKey())) {
                leniency.ignore(field, "the gateway's connection sets hop-by-hop headers, Host and Content-Length itself");
                continue;
            }
            bytes += HeaderRules.sizeInBytes(entry.getKey(), value);
            headers.put(entry.getKey(), value);
        }
        if (bytes > limits.headersMaxBytes()) {
            throw ClientError.invalid("'headers' are larger than " + limits.headersMaxBytes() + " bytes", "headers");
        }
        return headers;
    }

    private static String body(JsonNode node, GatewayConfig.Jobs limits) {
        if (node == null || node.isNull()) {
            return null;
        }
        String body = text(node, "body");
        if (body.getBytes(StandardCharsets.UTF_8).length > limits.bodyMaxBytes()) {
            throw ClientError.tooLarge("'body' is larger than " + limits.bodyMaxBytes() + " bytes", "body");
        }
        if (body.indexOf('\u0000') >= 0) {
            // PostgreSQL text cannot hold NUL; a binary payload belongs in an encoding such as base64.
            throw ClientError.invalid("'body' must not contain NUL characters (\\u0000)", "body");
        }
        return body;
    }

    /** {@code {"type":"webhook","url":"..."}}, or the URL alone as a string. */
    private String callbackUrl(JsonNode node, Leniency leniency) {
        if (node == null || node.isNull()) {
            return null;
        }
        String field = "callback";
        JsonNode url = node;
        if (node.isObject()) {
            JsonNode type = node.get("type");
            if (type != null && !type.isNull() && !"webhook".equals(text(type, "callback.type"))) {
                throw ClientError.invalid("'callback.type' must be \"webhook\"", "callback.type");
            }
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!CALLBACK_FIELDS.contains(name)) {
                    leniency.unknown("callback.", name, CALLBACK_FIELDS, "field");
                }
            }
            field = "callback.url";
            url = node.get("url");
            if (url == null || url.isNull()) {
                throw ClientError.invalid("'callback.url' is required", field);
            }
        } else if (!node.isTextual()) {
            throw ClientError.invalid("'callback' must be a URL or an object like {\"type\":\"webhook\",\"url\":\"...\"}", field);
        }
        String callbackUrl = text(url, field);
        urlPolicy.requireAllowed(callbackUrl, OutboundUrlPolicy.Use.CALLBACK, field);
        return callbackUrl;
    }

    private static String project(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        String project = text(node, "project");
        if (!PROJECT_NAME.matcher(project).matches()) {
            throw ClientError.invalid("'project' must be 1 to 100 letters, digits, '.', '_' or '-'", "project");
        }
        return project;
    }

    private static boolean expectUnsuccessReport(JsonNode root) {
        boolean expect = false;
        for (String field : List.of("expectUnsuccessReport", "expectsUnsuccessReport")) {
            JsonNode node = root.get(field);
            if (node != null && !node.isNull()) {
                expect |= Flags.bool(node, field);
            }
        }
        return expect;
    }

    private static int timeoutSec(JsonNode node, GatewayConfig.Jobs limits) {
        int max = limits.maxTimeoutSec();
        if (node == null || node.isNull()) {
            return max;
        }
        long seconds;
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            seconds = node.asLong();
        } else if (node.isTextual() && node.asText().trim().matches("-?\\d{1,18}")) {
            seconds = Long.parseLong(node.asText().trim());
        } else {
            throw ClientError.invalid("'timeoutSec' must be a whole number of seconds", "timeoutSec");
        }
        if (seconds < 1 || seconds > max) {
            throw ClientError.invalid("'timeoutSec' must be between 1 and " + max, "timeoutSec");
        }
        return (int) seconds;
    }

    private static String meta(JsonNode node, GatewayConfig.Jobs limits) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw ClientError.invalid("'meta' must be a JSON object", "meta");
        }
        String meta = node.toString();
        if (meta.getBytes(StandardCharsets.UTF_8).length > limits.metaMaxBytes()) {
            throw ClientError.tooLarge("'meta' is larger than " + limits.metaMaxBytes() + " bytes", "meta");
        }
        return meta;
    }

    public static String text(JsonNode node, String field) {
        if (!node.isTextual()) {
            throw ClientError.invalid("'" + field + "' must be a string", field);
        }
        return node.asText();
    }
}
