package dev.asyncgateway.job;

import dev.asyncgateway.common.ClientError;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * What one submission does with what the gateway will not use: a lenient submission goes on and each ignored field
 * becomes one warning in the answer, a strict one ({@code Prefer: handling=strict}, or the gateway's setting) is
 * refused with the 400 it would have had. Garbage (wrong types, impossible values) never comes here: it is a 400
 * in both modes.
 * <p>
 * A submission without anything to say allocates nothing beyond this object: the list is created at the first warning.
 */
final class Leniency {

    private final boolean strict;
    private List<String> warnings;

    Leniency(boolean strict) {
        this.strict = strict;
    }

    /**
     * The gateway does not use {@code field}: a warning {@code ignored 'field': why}, or, when strict, a 400.
     *
     * @param why says why, without a trailing full stop
     */
    void ignore(String field, String why) {
        if (strict) {
            throw ClientError.invalid("'" + field + "' is not used: " + why, field);
        }
        warn("ignored '" + field + "': " + why);
    }

    /**
     * An unknown field or parameter: ignored, with a suggestion when its name is a near miss of a known one (a typo
     * such as {@code calback} is what strictness used to catch, and still gets named).
     *
     * @param prefix what goes before a known name to make the field's path ({@code ""} or {@code "apiParams."})
     */
    void unknown(String prefix, String name, Collection<String> known, String what) {
        String field = prefix + name;
        String suggestion = closest(name, known);
        if (strict) {
            throw ClientError.invalid("unknown " + what + " '" + field + "'"
                    + (suggestion == null ? "" : "; did you mean '" + prefix + suggestion + "'?"), field);
        }
        warn("ignored '" + field + "': " + (suggestion == null ? "unknown " + what : "did you mean '" + prefix + suggestion + "'?"));
    }

    private void warn(String warning) {
        if (warnings == null) {
            warnings = new ArrayList<>(2);
        }
        warnings.add(warning);
    }

    /** The warnings in the order they arose; empty (a shared constant) when there are none. */
    List<String> warnings() {
        return warnings == null ? List.of() : List.copyOf(warnings);
    }

    /**
     * The known name closest to {@code name}, if it is close enough to be a typo: the same letters in another case,
     * or at most two edits away (one for short names), counting a swap of neighbours as one edit.
     */
    static String closest(String name, Collection<String> known) {
        String lower = name.toLowerCase(Locale.ROOT);
        int limit = name.length() <= 4 ? 1 : 2;
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = distance(lower, candidate.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return bestDistance <= limit ? best : null;
    }

    /** Optimal string alignment distance (Damerau-Levenshtein without repeated edits of one substring). */
    private static int distance(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 2) {
            return Integer.MAX_VALUE;
        }
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
