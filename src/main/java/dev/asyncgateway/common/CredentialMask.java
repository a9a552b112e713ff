package dev.asyncgateway.common;

import java.net.URI;
import java.net.URISyntaxException;

/** Hides secrets that users put in URLs (Basic-auth passwords, tokens) before a URL is shown or logged. */
public final class CredentialMask {

    private static final String MASK = "****";

    private CredentialMask() {
    }

    public static String url(String url) {
        if (url == null || url.indexOf('@') < 0) {
            return url;
        }
        try {
            URI uri = new URI(url);
            String userInfo = uri.getRawUserInfo();
            if (userInfo == null) {
                return url;
            }
            // user:password keeps the user name to recognise it by; a user info without a colon is a token
            // (https://TOKEN@host, as GitHub and others issue them), the secret as a whole.
            int colon = userInfo.indexOf(':');
            String masked = colon < 0 ? MASK : userInfo.substring(0, colon + 1) + MASK;
            return url.replaceFirst(java.util.regex.Pattern.quote(userInfo + "@"),
                    java.util.regex.Matcher.quoteReplacement(masked + "@"));
        } catch (URISyntaxException e) {
            return MASK;
        }
    }

    /** A header value shown back to its owner: enough to recognise it, not enough to use it. */
    public static String headerValue(String value) {
        if (value == null || value.length() <= 4) {
            return MASK;
        }
        return value.substring(0, Math.min(4, value.length() / 4)) + MASK;
    }
}
