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

    /**
     * The size of one header as the limits count it ({@code gateway.jobs.headers-max-bytes}): the bytes of its name
     * and value in UTF-8, the form it goes out in.
     */
    public static int sizeInBytes(String name, String value) {
        return utf8Length(name) + utf8Length(value);
    }

    private static int utf8Length(String text) {
        int bytes = text.length();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                // 2 bytes below U+0800, else 3; a surrogate pair (two chars) is 4
                bytes += c < 0x800 ? 1 : Character.isSurrogate(c) ? 1 : 2;
            }
        }
        return bytes;
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
