package dev.asyncgateway.api;

import java.util.Locale;

/**
 * The {@code Prefer} request header (RFC 7240) as far as submissions use it: {@code handling=strict} refuses what a
 * lenient submission would ignore with a warning. Other preferences are ignored, as the RFC asks.
 */
final class Preferences {

    static final String PREFER = "Prefer";
    static final String APPLIED = "Preference-Applied";
    static final String LENIENT_APPLIED = "handling=lenient";

    private Preferences() {
    }

    /** Whether the header holds {@code handling=strict} (any case, optionally quoted, among other preferences). */
    static boolean strict(String prefer) {
        if (prefer == null || prefer.isEmpty()) {
            return false;
        }
        for (String preference : prefer.split(",")) {
            String token = preference.split(";", 2)[0].trim();
            int equals = token.indexOf('=');
            if (equals > 0 && token.substring(0, equals).trim().equalsIgnoreCase("handling")) {
                String value = token.substring(equals + 1).trim().replace("\"", "");
                return value.toLowerCase(Locale.ROOT).equals("strict");
            }
        }
        return false;
    }
}
