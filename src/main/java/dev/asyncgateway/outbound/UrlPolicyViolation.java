package dev.asyncgateway.outbound;

/**
 * An outbound URL the policy refuses. The message completes a sentence that starts with the URL's
 * field name, e.g. {@code 'url' points to 127.0.0.1, a loopback address}.
 */
public final class UrlPolicyViolation extends RuntimeException {

    /** The {@code failReason} of a job, and the error kind of a callback attempt, that the policy stopped. */
    public static final String FAIL_REASON = "blocked_by_url_policy";

    public UrlPolicyViolation(String message) {
        super(message, null, false, false);
    }
}
