package dev.asyncgateway.runner;

/**
 * Whether jobs that ask for a browser ({@code render}, {@code wait_for_selector}, {@code screenshot}) can have one.
 * Submission asks this once per such job ({@code job/ApiParamsParser}): without a browser those parameters are
 * ignored with a warning (strict: refused). A browser renderer provides its own bean of this type, which replaces
 * {@link NoBrowser}.
 */
public interface BrowserAvailability {

    boolean configured();
}
