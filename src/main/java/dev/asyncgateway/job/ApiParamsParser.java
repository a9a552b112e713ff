package dev.asyncgateway.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.asyncgateway.common.ClientError;
import dev.asyncgateway.common.PeerText;
import dev.asyncgateway.outbound.ProxyPool;
import dev.asyncgateway.render.Renderer;
import dev.asyncgateway.store.ApiParams;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads ScraperAPI's parameters, from {@code apiParams} or, as clients such as ScraperAPI's .NET ones send them, from
 * the top level of the body ({@code apiParams} wins when both are given). Every documented parameter either does
 * something here or is ignored with a warning that says why (a 400 when strict); a wrong type or an impossible value
 * is a 400 either way.
 */
@ApplicationScoped
public class ApiParamsParser {

    /** Every parameter ScraperAPI documents for its async API; the top-level names read as parameters. */
    public static final Set<String> NAMES = Set.of("follow_redirect", "keep_headers", "device_type", "retry_404",
            "output_format", "render", "wait_for_selector", "screenshot", "country_code", "premium", "ultra_premium",
            "session_number", "autoparse", "max_cost");
    private static final String PREFIX = "apiParams.";
    private static final Pattern COUNTRY = Pattern.compile("[A-Za-z]{2}");
    private static final Pattern WHOLE_NUMBER = Pattern.compile("\\d{1,18}");
    private static final Pattern AMOUNT = Pattern.compile("\\d{1,12}(\\.\\d{1,6})?");
    static final int SELECTOR_MAX_LENGTH = 1024;

    @Inject
    ProxyPool proxies;

    @Inject
    Renderer renderer;

    /**
     * @param node      the {@code apiParams} value, or null
     * @param root      the whole body, to read parameters given at its top level; null when it has none
     * @param leniency  where ignored parameters go
     */
    ApiParams parse(JsonNode node, JsonNode root, Leniency leniency) {
        if (node != null && !node.isNull() && !node.isObject()) {
            throw ClientError.invalid("'apiParams' must be an object", "apiParams");
        }
        boolean inObject = node != null && node.isObject() && !node.isEmpty();
        if (!inObject && root == null) {
            return ApiParams.DEFAULTS;
        }
        Params params = new Params();
        if (inObject) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> param = it.next();
                if (NAMES.contains(param.getKey())) {
                    params.read(param.getKey(), param.getValue(), PREFIX + param.getKey(), leniency);
                } else {
                    leniency.unknown(PREFIX, param.getKey(), NAMES, "parameter");
                }
            }
        }
        if (root != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String name = field.getKey();
                if (!NAMES.contains(name)) {
                    continue;
                }
                if (inObject && node.has(name)) {
                    leniency.ignore(name, "'" + PREFIX + name + "' is given too, and wins");
                } else {
                    params.read(name, field.getValue(), name, leniency);
                }
            }
        }
        ApiParams parsed = params.build(renderer.available());
        if (params.wantsBrowser() && !renderer.available()) {
            browserParamsIgnored(params, leniency);
        }
        if (parsed.wantsProxy()) {
            proxyParams(parsed, params, leniency);
        }
        return parsed;
    }

    /**
     * The one place that decides what browser parameters get while no browser renderer is configured (see
     * {@link Renderer#available()}): the page is fetched without rendering, and the client is told (strict: refused).
     */
    private static void browserParamsIgnored(Params params, Leniency leniency) {
        String why = "no browser is configured, so the page is fetched without rendering";
        if (params.render) {
            leniency.ignore(params.renderField, why);
        }
        if (params.waitForSelector != null) {
            leniency.ignore(params.waitForSelectorField, why);
        }
        if (params.screenshot) {
            leniency.ignore(params.screenshotField, "no browser is configured, so no screenshot is taken");
        }
    }

    /** Proxy parameters: served by the pool, refused when no proxy of it can serve them, ignored without a pool. */
    private void proxyParams(ApiParams parsed, Params params, Leniency leniency) {
        if (!proxies.configured()) {
            String why = "no proxy pool is configured, so the page is fetched directly";
            if (parsed.countryCode() != null) {
                leniency.ignore(params.countryCodeField, why);
            }
            if (parsed.premium()) {
                leniency.ignore(params.premiumField, why);
            }
            if (parsed.ultraPremium()) {
                leniency.ignore(params.ultraPremiumField, why);
            }
            if (parsed.sessionNumber() != null) {
                leniency.ignore(params.sessionNumberField, why);
            }
            return;
        }
        switch (proxies.coverage(parsed.countryCode(), parsed.tier())) {
            case SERVED -> {
            }
            case NO_COUNTRY -> throw ClientError.invalid("no proxy for country_code '" + parsed.countryCode() + "'",
                    params.countryCodeField);
            case NO_TIER -> {
                String field = parsed.ultraPremium() ? params.ultraPremiumField : params.premiumField;
                String tier = parsed.tier().name().toLowerCase(Locale.ROOT);
                throw ClientError.invalid("no proxy of tier " + tier
                        + (parsed.countryCode() == null ? "" : " for country_code '" + parsed.countryCode() + "'"), field);
            }
        }
    }

    /** The parameters as read so far, and the field each came from (for the messages). */
    private static final class Params {
        boolean followRedirect = true;
        boolean keepHeaders;
        boolean retry404;
        String deviceType;
        String outputFormat;
        boolean render;
        String renderField;
        String waitForSelector;
        String waitForSelectorField;
        boolean screenshot;
        String screenshotField;
        String countryCode;
        String countryCodeField;
        boolean premium;
        String premiumField;
        boolean ultraPremium;
        String ultraPremiumField;
        Long sessionNumber;
        String sessionNumberField;

        void read(String name, JsonNode value, String field, Leniency leniency) {
            switch (name) {
                case "follow_redirect" -> followRedirect = isNull(value) || Flags.bool(value, field);
                case "keep_headers" -> keepHeaders = flag(value, field);
                case "retry_404" -> retry404 = flag(value, field);
                case "device_type" -> deviceType = oneOf(value, field, Set.of("desktop", "mobile"));
                case "output_format" -> {
                    String format = oneOf(value, field, Set.of("html", "text", "markdown"));
                    // html is the body as fetched, which is what no conversion gives.
                    outputFormat = "html".equals(format) ? null : format;
                }
                case "render" -> {
                    render = flag(value, field);
                    renderField = field;
                }
                case "wait_for_selector" -> {
                    waitForSelector = optionalText(value, field);
                    if (waitForSelector != null && (waitForSelector.length() > SELECTOR_MAX_LENGTH
                            || !PeerText.isClean(waitForSelector) || waitForSelector.chars().anyMatch(c -> c < 0x20))) {
                        throw ClientError.invalid("'" + field + "' must be a CSS selector of at most " + SELECTOR_MAX_LENGTH
                                + " characters without control characters", field);
                    }
                    waitForSelectorField = field;
                }
                case "screenshot" -> {
                    screenshot = flag(value, field);
                    screenshotField = field;
                }
                case "country_code" -> {
                    String code = optionalText(value, field);
                    if (code != null && !COUNTRY.matcher(code).matches()) {
                        throw ClientError.invalid("'" + field + "' must be a two-letter country code such as us", field);
                    }
                    countryCode = code == null ? null : code.toLowerCase(Locale.ROOT);
                    countryCodeField = field;
                }
                case "premium" -> {
                    premium = flag(value, field);
                    premiumField = field;
                }
                case "ultra_premium" -> {
                    ultraPremium = flag(value, field);
                    ultraPremiumField = field;
                }
                case "session_number" -> {
                    String number = number(value, field, WHOLE_NUMBER, "a whole number");
                    sessionNumber = number == null ? null : Long.valueOf(number);
                    sessionNumberField = field;
                }
                case "autoparse" -> {
                    if (flag(value, field)) {
                        leniency.ignore(field, "structured parsing is not offered");
                    }
                }
                // Nothing here costs credits, so no job is ever refused for its cost: checked, then nothing to do.
                case "max_cost" -> number(value, field, AMOUNT, "a number of credits");
                default -> throw new IllegalArgumentException("not a parameter: " + name);
            }
        }

        boolean wantsBrowser() {
            return render || waitForSelector != null || screenshot;
        }

        /** With a browser, a screenshot and a selector need the rendered page; without one, no parameter asks for it. */
        ApiParams build(boolean browser) {
            return browser
                    ? new ApiParams(followRedirect, keepHeaders, deviceType, retry404, outputFormat, wantsBrowser(),
                            waitForSelector, screenshot, countryCode, premium, ultraPremium, sessionNumber)
                    : new ApiParams(followRedirect, keepHeaders, deviceType, retry404, outputFormat, false,
                            null, false, countryCode, premium, ultraPremium, sessionNumber);
        }
    }

    private static boolean isNull(JsonNode value) {
        return value == null || value.isNull();
    }

    private static boolean flag(JsonNode value, String field) {
        return !isNull(value) && Flags.bool(value, field);
    }

    /** A string parameter; null, or empty, means not given. */
    private static String optionalText(JsonNode value, String field) {
        if (isNull(value)) {
            return null;
        }
        String text = JobRequestParser.text(value, field);
        return text.isEmpty() ? null : text;
    }

    private static String oneOf(JsonNode value, String field, Set<String> allowed) {
        if (isNull(value) || (value.isTextual() && value.asText().isEmpty())) {
            return null;
        }
        if (!value.isTextual() || !allowed.contains(value.asText().toLowerCase(Locale.ROOT))) {
            throw ClientError.invalid("'" + field + "' must be one of " + String.join(", ", new java.util.TreeSet<>(allowed)), field);
        }
        return value.asText().toLowerCase(Locale.ROOT);
    }

    /** A non-negative number given as a JSON number or a numeric string; null, or an empty string, means not given. */
    private static String number(JsonNode value, String field, Pattern form, String what) {
        if (isNull(value) || (value.isTextual() && value.asText().isEmpty())) {
            return null;
        }
        String text = value.isNumber() ? value.asText() : value.isTextual() ? value.asText().trim() : "";
        if (!form.matcher(text).matches()) {
            throw ClientError.invalid("'" + field + "' must be " + what, field);
        }
        return text;
    }
}
