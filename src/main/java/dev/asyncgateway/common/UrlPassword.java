package dev.asyncgateway.common;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.function.UnaryOperator;

/**
 * The password of a URL's user info ({@code scheme://user:password@host/...}), replaced in place. Everything
 * else stays byte for byte (the host, so the receiver a URL names; the user name, so masked views still show it),
 * and the password is passed on raw, percent-encoding included, so that replacing it back restores the URL exactly.
 */
public final class UrlPassword {

    private UrlPassword() {
    }

    /** {@code url} with its password replaced by {@code replacement} of it; unchanged when it has none (or is no URI). */
    public static String replace(String url, UnaryOperator<String> replacement) {
        if (url == null || url.indexOf('@') < 0) {
            return url;
        }
        String userInfo;
        try {
            userInfo = new URI(url).getRawUserInfo();
        } catch (URISyntaxException e) {
            return url;
        }
        int colon = userInfo == null ? -1 : userInfo.indexOf(':');
        // The user info directly follows "scheme://".
        int start = url.indexOf("//") + 2;
        if (colon < 0 || colon == userInfo.length() - 1 || !url.startsWith(userInfo + "@", start)) {
            return url;
        }
        String password = userInfo.substring(colon + 1);
        return url.substring(0, start + colon + 1) + replacement.apply(password) + url.substring(start + userInfo.length());
    }
}
