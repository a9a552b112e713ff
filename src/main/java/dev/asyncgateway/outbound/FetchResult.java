package dev.asyncgateway.outbound;

import io.vertx.core.MultiMap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What one fetch attempt got: the target's answer, or why there was none. */
public sealed interface FetchResult {

    /** An HTTP answer as an {@link Answer}: header names in lower case, multiple values kept. */
    static Answer answer(int statusCode, MultiMap headers, byte[] body, String finalUrl) {
        Map<String, List<String>> byName = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : headers) {
            byName.computeIfAbsent(header.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(header.getValue());
        }
        return new Answer(statusCode, byName, body, finalUrl);
    }

    /** The target answered; {@code headers} have lower-case names, multiple values kept in order. */
    record Answer(int statusCode, Map<String, List<String>> headers, byte[] body, String finalUrl) implements FetchResult {
    }

    /**
     * No usable answer.
     *
     * @param kind      short machine-readable cause, e.g. {@code timeout}, {@code connection_refused}
     * @param retryable whether another attempt may succeed
     */
    record Failure(String kind, String message, boolean retryable) implements FetchResult {
    }
}
