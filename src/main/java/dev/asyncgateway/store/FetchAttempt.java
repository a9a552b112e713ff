package dev.asyncgateway.store;

import dev.asyncgateway.common.PeerText;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One fetch attempt of a job as its console timeline shows it (see V18): when it started, how long it took, the
 * target's status code or the failure kind, whether a browser rendered it and through which proxy.
 *
 * @param statusCode the target's status code, or null when there was no answer
 * @param errorKind  why there was no answer (a {@code FetchResult.Failure} kind), or null
 * @param proxy      the label (scheme, host, port: never credentials) of the proxy used, or null
 */
public record FetchAttempt(Instant startedAt, long durationMs, Integer statusCode, String errorKind, boolean rendered,
                           String proxy) {

    /** Failure kinds are short machine words; a longer one is cut rather than stored whole. */
    private static final int KIND_MAX_BYTES = 128;
    /** A proxy label is scheme, host and port. */
    private static final int PROXY_MAX_BYTES = 512;

    /** The attempt, its texts sanitised: a failure kind may come from a browser or a peer's answer. */
    public static FetchAttempt of(Instant startedAt, long durationMs, Integer statusCode, String errorKind,
                                  boolean rendered, String proxy) {
        return new FetchAttempt(startedAt, durationMs, statusCode, PeerText.line(errorKind, KIND_MAX_BYTES), rendered,
                PeerText.line(proxy, PROXY_MAX_BYTES));
    }

    /** The JSON element appended to {@code job.fetch_attempts}; absent fields are left out to keep rows small. */
    String toJson() {
        JsonObject json = new JsonObject().put("at", startedAt.toString()).put("ms", durationMs);
        if (statusCode != null) {
            json.put("status", statusCode);
        }
        if (errorKind != null) {
            json.put("error", errorKind);
        }
        if (rendered) {
            json.put("rendered", true);
        }
        if (proxy != null) {
            json.put("proxy", proxy);
        }
        return json.encode();
    }

    /** The stored array (oldest first); null (no attempt recorded yet) is empty. */
    static List<FetchAttempt> listFrom(JsonArray stored) {
        if (stored == null) {
            return List.of();
        }
        List<FetchAttempt> attempts = new ArrayList<>(stored.size());
        for (int i = 0; i < stored.size(); i++) {
            JsonObject json = stored.getJsonObject(i);
            attempts.add(new FetchAttempt(Instant.parse(json.getString("at")), json.getLong("ms"), json.getInteger("status"),
                    json.getString("error"), json.getBoolean("rendered", false), json.getString("proxy")));
        }
        return attempts;
    }
}
