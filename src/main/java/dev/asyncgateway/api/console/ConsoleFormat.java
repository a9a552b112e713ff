package dev.asyncgateway.api.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the console writes times, durations and stored JSON. */
final class ConsoleFormat {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT);

    private ConsoleFormat() {
    }

    static String time(OffsetDateTime at) {
        return at == null ? "" : at.withOffsetSameInstant(ZoneOffset.UTC).format(TIME);
    }

    static String age(OffsetDateTime at) {
        return at == null ? "" : duration(Duration.between(at, OffsetDateTime.now())) + " ago";
    }

    static String duration(Duration d) {
        long seconds = Math.max(0, d.toSeconds());
        if (seconds < 1) {
            return Math.max(0, d.toMillis()) + " ms";
        }
        if (seconds < 120) {
            return seconds + " s";
        }
        if (seconds < 7200) {
            return seconds / 60 + " min";
        }
        if (seconds < 172_800) {
            return seconds / 3600 + " h";
        }
        return seconds / 86_400 + " d";
    }

    /** Stored JSON indented for reading; null stays null. */
    static String prettyJson(ObjectMapper json, String stored) {
        if (stored == null) {
            return null;
        }
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(json.readTree(stored));
        } catch (JsonProcessingException e) {
            return stored;
        }
    }

    static JsonNode parse(ObjectMapper json, String stored) {
        if (stored == null) {
            return null;
        }
        try {
            return json.readTree(stored);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    static String percent(long part, long whole) {
        return whole == 0 ? "–" : String.format(Locale.ROOT, "%.1f %%", 100.0 * part / whole);
    }

    static String seconds(Double value) {
        return value == null ? "–" : value < 1 ? Math.round(value * 1000) + " ms" : String.format(Locale.ROOT, "%.2f s", value);
    }
}
