package dev.asyncgateway.outbound;

import java.util.List;
import java.util.Map;

/** What one fetch attempt got: the target's answer, or why there was none. */
public sealed interface FetchResult {

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
