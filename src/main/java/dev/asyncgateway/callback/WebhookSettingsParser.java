package dev.asyncgateway.callback;

import com.fasterxml.jackson.databind.JsonNode;
import dev.asyncgateway.common.ClientError;
import dev.asyncgateway.common.HeaderRules;
import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.outbound.OutboundUrlPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static dev.asyncgateway.job.JobRequestParser.text;

/**
 * Reads a {@code PUT} of webhook settings, or rejects it with a 400 naming the field. Besides the canonical
 * names it takes the spellings users of the usual SaaS callback settings bring: {@code target} and
 * {@code apiCallbackUrl} for {@code url}, {@code apiCallbackHeaders} for {@code headers}, and headers as a
 * plain object as well as a list of {@code {"key","value"}}.
 */
@ApplicationScoped
public class WebhookSettingsParser {

    private static final List<String> URL_NAMES = List.of("url", "target", "apiCallbackUrl");
    private static final List<String> HEADER_NAMES = List.of("headers", "apiCallbackHeaders");
    private static final Set<String> ENCODINGS = Set.of(WebhookSettings.JSON, WebhookSettings.FORM);
    /** Headers the gateway sets on every delivery; a custom one would break the contract or the signature. */
    private static final Set<String> MANAGED_HEADERS = Set.of("content-type", "user-agent", "webhook-id",
            "webhook-timestamp", "webhook-signature");

    @Inject
    GatewayConfig config;

    @Inject
    OutboundUrlPolicy urlPolicy;

    /**
     * @param forAccount account settings may clear the URL and carry a {@code notificationUrl}; a project's may not
     */
    public WebhookSettings parse(JsonNode root, boolean forAccount) {
        if (root == null || !root.isObject()) {
            throw ClientError.invalid("the request body must be a JSON object", null);
        }
        rejectUnknownFields(root, forAccount);
        String url = url(root, URL_NAMES, forAccount);
        String notificationUrl = forAccount ? url(root, List.of("notificationUrl"), true) : null;
        return new WebhookSettings(url, headers(root), encoding(root.get("encoding")), notificationUrl);
    }

    private static void rejectUnknownFields(JsonNode root, boolean forAccount) {
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            boolean known = URL_NAMES.contains(name) || HEADER_NAMES.contains(name) || name.equals("encoding")
                    || (forAccount && name.equals("notificationUrl"));
            if (!known) {
                throw ClientError.invalid("unknown field '" + name + "'", name);
            }
        }
    }

    /** The one value given under any of {@code names}; giving two different ones is a mistake worth reporting. */
    private String url(JsonNode root, List<String> names, boolean optional) {
        String url = null;
        String field = names.get(0);
        for (String name : names) {
            JsonNode node = root.get(name);
            if (node == null || node.isNull()) {
                continue;
            }
            String value = text(node, name);
            if (url != null && !url.equals(value)) {
                throw ClientError.invalid("'" + field + "' and '" + name + "' give different URLs", name);
            }
            url = value;
            field = name;
        }
        if (url == null) {
            if (!optional) {
                throw ClientError.invalid("'url' is required", "url");
            }
            return null;
        }
        if (url.length() > config.jobs().urlMaxLength()) {
            throw ClientError.invalid("'" + field + "' is longer than " + config.jobs().urlMaxLength() + " characters", field);
        }
        urlPolicy.requireAllowed(url, OutboundUrlPolicy.Use.CALLBACK, field);
        return url;
    }

    private List<WebhookHeader> headers(JsonNode root) {
        String field = HEADER_NAMES.stream().filter(root::hasNonNull).findFirst().orElse(null);
        if (field == null) {
            return List.of();
        }
        List<WebhookHeader> headers = new ArrayList<>();
        JsonNode node = root.get(field);
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                JsonNode header = node.get(i);
                String at = field + "[" + i + "]";
                if (!header.isObject() || !header.hasNonNull("key") || !header.hasNonNull("value") || header.size() != 2) {
                    throw ClientError.invalid("'" + at + "' must be an object {\"key\": ..., \"value\": ...}", at);
                }
                headers.add(new WebhookHeader(text(header.get("key"), at + ".key"), text(header.get("value"), at + ".value")));
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> header = it.next();
                headers.add(new WebhookHeader(header.getKey(), text(header.getValue(), field + "." + header.getKey())));
            }
        } else {
            throw ClientError.invalid("'" + field + "' must be a list of {\"key\", \"value\"} objects", field);
        }
        requireAllowed(headers, field);
        return headers;
    }

    private void requireAllowed(List<WebhookHeader> headers, String field) {
        GatewayConfig.Jobs limits = config.jobs();
        if (headers.size() > limits.headersMaxCount()) {
            throw ClientError.invalid("'" + field + "' has more than " + limits.headersMaxCount() + " entries", field);
        }
        int bytes = 0;
        for (WebhookHeader header : headers) {
            HeaderRules.requireSafe(header.key(), header.value(), field);
            if (MANAGED_HEADERS.contains(header.key().toLowerCase(Locale.ROOT))) {
                throw ClientError.invalid("header '" + header.key() + "' is set by the gateway on every delivery", field);
            }
            bytes += HeaderRules.sizeInBytes(header.key(), header.value());
        }
        if (bytes > limits.headersMaxBytes()) {
            throw ClientError.invalid("'" + field + "' are larger than " + limits.headersMaxBytes() + " bytes", field);
        }
    }

    private static String encoding(JsonNode node) {
        if (node == null || node.isNull()) {
            return WebhookSettings.JSON;
        }
        String encoding = text(node, "encoding");
        if (!ENCODINGS.contains(encoding)) {
            throw ClientError.invalid("'encoding' must be \"json\" or \"form\"", "encoding");
        }
        return encoding;
    }
}
