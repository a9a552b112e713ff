package dev.asyncgateway.render;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.smallrye.mutiny.subscription.UniEmitter;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One DevTools protocol connection to a browser: JSON-RPC over a WebSocket ({@code {id, method, params, sessionId}}
 * out, results and events in), with sessions multiplexed on it ("flat" mode). Nothing here blocks: commands complete
 * a {@link Uni} when their answer arrives, events go to the listener of their session. Every message is read as
 * hostile: one that is not JSON is dropped, and the socket refuses messages over a size bound.
 */
final class CdpConnection {

    /** Events of the browser itself (no session). */
    static final String BROWSER = "";

    private final WebSocketClient client;
    private final WebSocket socket;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, UniEmitter<? super JsonObject>> pending = new ConcurrentHashMap<>();
    private final Map<String, Consumer<JsonObject>> listeners = new ConcurrentHashMap<>();
    private final Map<Object, Runnable> closeHandlers = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private CdpConnection(WebSocketClient client, WebSocket socket) {
        this.client = client;
        this.socket = socket;
        socket.textMessageHandler(this::receive);
        socket.exceptionHandler(failure -> close());
        socket.closeHandler(ignored -> closed());
    }

    static Future<CdpConnection> open(Vertx vertx, String webSocketUrl, int maxMessageBytes) {
        URI uri = URI.create(webSocketUrl);
        boolean ssl = "wss".equalsIgnoreCase(uri.getScheme());
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxMessageSize(maxMessageBytes).setMaxFrameSize(Math.min(maxMessageBytes, 1 << 24))
                .setConnectTimeout(10_000).setSsl(ssl));
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setHost(uri.getHost()).setPort(uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80).setSsl(ssl)
                .setURI(uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery());
        return client.connect(options)
                .map(socket -> new CdpConnection(client, socket))
                .onFailure(ignored -> client.close());
    }

    /** Sends one command; the answer's {@code result}, or a {@link RenderFailure} for an error or a lost browser. */
    Uni<JsonObject> send(String sessionId, String method, JsonObject params) {
        return Uni.createFrom().emitter(emitter -> {
            if (closed.get()) {
                emitter.fail(RenderFailure.browserGone("the browser connection is closed"));
                return;
            }
            long id = ids.incrementAndGet();
            pending.put(id, emitter);
            JsonObject message = new JsonObject().put("id", id).put("method", method).put("params", params);
            if (sessionId != null && !sessionId.isEmpty()) {
                message.put("sessionId", sessionId);
            }
            socket.writeTextMessage(message.encode()).onFailure(failure -> {
                if (pending.remove(id) != null) {
                    emitter.fail(RenderFailure.browserGone("cannot write to the browser: " + failure));
                }
            });
        });
    }

    Uni<JsonObject> send(String sessionId, String method) {
        return send(sessionId, method, new JsonObject());
    }

    /** Sends a command whose answer does not matter (a page being closed, a request being released). */
    void fire(String sessionId, String method, JsonObject params) {
        send(sessionId, method, params).subscribe().with(ignored -> { }, ignored -> { });
    }

    /** Events of this session ({@link #BROWSER} for the browser's own) go to {@code listener}, which receives {@code {method, params}}. */
    void listen(String sessionId, Consumer<JsonObject> listener) {
        listeners.put(sessionId, listener);
    }

    void forget(String sessionId) {
        listeners.remove(sessionId);
    }

    /** Runs {@code handler} when the connection is lost (at once if it is); {@code key} removes it again. */
    void onClose(Object key, Runnable handler) {
        closeHandlers.put(key, handler);
        if (closed.get() && closeHandlers.remove(key) != null) {
            handler.run();
        }
    }

    void removeCloseHandler(Object key) {
        closeHandlers.remove(key);
    }

    boolean isOpen() {
        return !closed.get();
    }

    void close() {
        if (!socket.isClosed()) {
            socket.close();
        }
        closed();
    }

    private void receive(String text) {
        JsonObject message;
        try {
            message = new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            return;
        }
        Object id = message.getValue("id");
        if (id instanceof Number number) {
            UniEmitter<? super JsonObject> emitter = pending.remove(number.longValue());
            if (emitter == null) {
                return;
            }
            JsonObject error = message.getValue("error") instanceof JsonObject e ? e : null;
            if (error != null) {
                emitter.fail(new RenderFailure("browser_error", String.valueOf(error.getValue("message")), true));
            } else {
                emitter.complete(message.getValue("result") instanceof JsonObject r ? r : new JsonObject());
            }
            return;
        }
        if (!(message.getValue("method") instanceof String)) {
            return;
        }
        String sessionId = message.getValue("sessionId") instanceof String s ? s : BROWSER;
        Consumer<JsonObject> listener = listeners.get(sessionId);
        if (listener != null) {
            if (!(message.getValue("params") instanceof JsonObject)) {
                message.put("params", new JsonObject());
            }
            listener.accept(message);
        }
    }

    private void closed() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        client.close();
        RenderFailure gone = RenderFailure.browserGone("the browser connection was lost");
        pending.values().forEach(emitter -> emitter.fail(gone));
        pending.clear();
        for (Object key : List.copyOf(closeHandlers.keySet())) {
            Runnable handler = closeHandlers.remove(key);
            if (handler != null) {
                handler.run();
            }
        }
    }
}
