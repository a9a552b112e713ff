package dev.asyncgateway.outbound;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which of a job's headers follow a redirect. Credentials stay with the origin they were given for:
 * {@code Authorization}, {@code Cookie} and {@code Proxy-Authorization} are dropped when a hop leaves the
 * origin (scheme, host, port; so also on https to http), as the Fetch standard (HTTP-redirect fetch),
 * browsers and curl do. Once dropped they stay dropped, even when a later hop comes back to the first origin:
 * the redirect chain is under the control of whoever answered, not of the job's owner.
 */
public final class RedirectCredentials {

    private static final Set<String> CREDENTIALS = Set.of("authorization", "cookie", "proxy-authorization");

    private RedirectCredentials() {
    }

    /** The headers to send to {@code to}, redirected from {@code from} with {@code headers}. */
    public static Map<String, String> forHop(URI from, URI to, Map<String, String> headers) {
        if (sameOrigin(from, to)) {
            return headers;
        }
        Map<String, String> kept = new LinkedHashMap<>(headers);
        kept.keySet().removeIf(name -> CREDENTIALS.contains(name.toLowerCase(Locale.ROOT)));
        return kept;
    }

    /** Host names compare without case; a different spelling of the same address counts as another origin. */
    private static boolean sameOrigin(URI a, URI b) {
        return scheme(a).equals(scheme(b)) && host(a).equals(host(b)) && port(a) == port(b);
    }

    private static String scheme(URI uri) {
        return Objects.toString(uri.getScheme(), "").toLowerCase(Locale.ROOT);
    }

    private static String host(URI uri) {
        return Objects.toString(uri.getHost(), "").toLowerCase(Locale.ROOT);
    }

    private static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return scheme(uri).equals("https") ? 443 : 80;
    }
}
