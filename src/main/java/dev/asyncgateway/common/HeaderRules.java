package dev.asyncgateway.common;

import java.util.Locale;
import java.util.Set;

/** What a client may put in a header it asks the gateway to send: no injection, no connection-level headers. */
public final class HeaderRules {

    /** Hop-by-hop and framing headers belong to the gateway's own connection, never to a client. */
    private static final Set<String> FORBIDDEN = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
            "content-length", "host");

    private HeaderRules() {
    }

    public static void requireSafe(String name, String value, String field) {
        requireWellFormed(name, value, field);
        if (isManaged(name)) {
            throw ClientError.invalid("header '" + name + "' is managed by the gateway and cannot be set", field);
        }
    }

    /** A header that cannot be sent at all: a name that is no HTTP token, a value with a line break or a NUL. */
    public static void requireWellFormed(String name, String value, String field) {
        if (name.isEmpty() || !name.chars().allMatch(HeaderRules::isTokenChar)) {
            throw ClientError.invalid("header name '" + name + "' is not a valid HTTP token", field);
        }
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0) {
            throw ClientError.invalid("header '" + name + "' contains a line break or a NUL character", field);
        }
    }

    /** Hop-by-hop headers, {@code Host} and {@code Content-Length}: the gateway's connection sets them. */
    public static boolean isManaged(String name) {
        return FORBIDDEN.contains(name.toLowerCase(Locale.ROOT));
    }

    /** RFC 9110 token characters. */
    private static boolean isTokenChar(int c) {
        return c > 32 && c < 127 && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }
}
