package dev.asyncgateway.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The ScraperAPI {@code apiParams} this gateway honours, normalised at submission and stored with
 * the job as JSON.
 *
 * @param followRedirect follow 3xx answers (bounded hop count); default true
 * @param keepHeaders    send the job's own headers to the target instead of safe defaults
 * @param deviceType     {@code desktop} or {@code mobile}: picks a realistic User-Agent
 * @param retry404       treat a 404 as retryable instead of a final answer
 * @param outputFormat   {@code text} or {@code markdown}: convert an HTML body; null keeps it as is
 * @param render         load the target in the headless browser; also set by {@code screenshot} and {@code wait_for_selector}
 * @param waitForSelector a CSS selector the rendered page must match before its DOM is taken, or null
 * @param screenshot     store a full-page PNG of the rendered page with the result
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiParams(boolean followRedirect, boolean keepHeaders, String deviceType, boolean retry404, String outputFormat,
                        boolean render, String waitForSelector, boolean screenshot) {

    public static final ApiParams DEFAULTS = new ApiParams(true, false, null, false, null, false, null, false);
}
