package dev.asyncgateway.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The ScraperAPI {@code apiParams} of a job, normalised at submission and stored with the job as JSON. Parameters
 * at their default are left out of the stored JSON, so a plain job stores what it stored before they existed.
 *
 * @param followRedirect  follow 3xx answers (bounded hop count); default true
 * @param keepHeaders     send the job's own headers to the target instead of safe defaults
 * @param deviceType      {@code desktop} or {@code mobile}: picks a realistic User-Agent
 * @param retry404        treat a 404 as retryable instead of a final answer
 * @param outputFormat    {@code text} or {@code markdown}: convert an HTML body; null keeps it as fetched ({@code html})
 * @param render          load the target in the headless browser; also set by {@code screenshot} and {@code wait_for_selector}
 * @param waitForSelector with {@code render}: the CSS selector to wait for; null for none
 * @param screenshot      store a full-page PNG of the rendered page with the result
 * @param countryCode     fetch through a proxy of the pool tagged with this country (lower case); null for any
 * @param premium         fetch through a proxy of the pool of tier {@code premium} or above
 * @param ultraPremium    fetch through a proxy of the pool of tier {@code ultra_premium}
 * @param sessionNumber   keep the same proxy for this account's jobs with the same number; null for none
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiParams(
        boolean followRedirect,
        boolean keepHeaders,
        String deviceType,
        boolean retry404,
        String outputFormat,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean render,
        String waitForSelector,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean screenshot,
        String countryCode,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean premium,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean ultraPremium,
        Long sessionNumber) {

    public static final ApiParams DEFAULTS = new ApiParams(true, false, null, false, null, false, null, false, null,
            false, false, null);

    /** Proxy tiers, lowest first: a request for a tier is served by that tier or a higher one. */
    public enum Tier { STANDARD, PREMIUM, ULTRA_PREMIUM }

    /** The least proxy tier this job asks for. */
    public Tier tier() {
        return ultraPremium ? Tier.ULTRA_PREMIUM : premium ? Tier.PREMIUM : Tier.STANDARD;
    }

    /** Whether the job asks for anything only a proxy pool gives. */
    public boolean wantsProxy() {
        return countryCode != null || premium || ultraPremium || sessionNumber != null;
    }
}
