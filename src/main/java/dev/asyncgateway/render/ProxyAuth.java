package dev.asyncgateway.render;

import io.vertx.core.json.JsonObject;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers the browser's authentication challenges ({@code Fetch.authRequired}, asked of the whole browser): a proxy
 * challenge (the {@link EgressProxy}'s) gets the token of the render that owns the frame, once per request; anything
 * else (a target's own 401, a frame no render owns, a second challenge after a wrong token) is cancelled, as a
 * browser without a login prompt would. The token tells the egress proxy which render, and so which route (direct
 * or which pool proxy), a connection belongs to; pool proxies' own credentials never reach the browser.
 * <p>
 * The tokens go to the browser only; nothing here logs them.
 */
final class ProxyAuth {

    /** The credentials of one render's proxy, and the requests already answered with them. */
    static final class Credentials {
        private final String username;
        private final String password;
        private final Set<String> answered = new HashSet<>();

        Credentials(String username, String password) {
            this.username = username;
            this.password = password;
        }

        @Override
        public String toString() {
            return "Credentials[hidden]";
        }
    }

    private final ConcurrentHashMap<String, Credentials> byFrame = new ConcurrentHashMap<>();

    /** Requests of {@code frameId} that meet a proxy challenge are answered with {@code credentials}. */
    void register(String frameId, Credentials credentials) {
        byFrame.put(frameId, credentials);
    }

    void forget(String frameId) {
        byFrame.remove(frameId);
    }

    /** Answers one {@code Fetch.authRequired}; every one needs an answer, or its request hangs. */
    void answer(CdpConnection cdp, JsonObject params) {
        if (!(params.getValue("requestId") instanceof String requestId)) {
            return;
        }
        JsonObject challenge = params.getValue("authChallenge") instanceof JsonObject c ? c : new JsonObject();
        Credentials credentials = params.getValue("frameId") instanceof String frame ? byFrame.get(frame) : null;
        JsonObject response = new JsonObject().put("response", "CancelAuth");
        if (credentials != null && "Proxy".equals(challenge.getValue("source"))) {
            boolean first;
            synchronized (credentials) {
                first = credentials.answered.add(requestId);
            }
            if (first) {
                response = new JsonObject().put("response", "ProvideCredentials")
                        .put("username", credentials.username).put("password", credentials.password);
            }
        }
        cdp.fire(CdpConnection.BROWSER, "Fetch.continueWithAuth",
                new JsonObject().put("requestId", requestId).put("authChallengeResponse", response));
    }
}
