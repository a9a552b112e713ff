package dev.asyncgateway.testsupport;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;

/**
 * A real webhook receiver on an ephemeral port. It records every request and answers 200 unless a path
 * was scripted: answer a status N times, hang (never answer), close the connection. Each test uses its
 * own path ({@link #newPath()}), so tests never see each other's requests.
 */
public final class WebhookReceiver implements AutoCloseable {

    private static final Vertx VERTX = Vertx.vertx();
    private static WebhookReceiver shared;

    /** A request as received; header names in lower case. */
    public record Received(String path, String query, Map<String, String> headers, String body, long receivedAtNanos) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** Headers in the shape {@code com.standardwebhooks.Webhook#verify} takes. */
        public Map<String, List<String>> headersForVerification() {
            Map<String, List<String>> all = new TreeMap<>();
            headers.forEach((name, value) -> all.put(name, List.of(value)));
            return all;
        }
    }

    /** What the receiver does with one request. */
    public sealed interface Answer {
        record Status(int code, Map<String, String> headers, String body) implements Answer {
        }

        record Hang() implements Answer {
        }

        record Close() implements Answer {
        }

        static Answer status(int code) {
            return new Status(code, Map.of(), "status " + code);
        }
    }

    private final HttpServer server;
    private final int port;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Answer>> scripts = new ConcurrentHashMap<>();
    private final Map<String, Answer> always = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> maxOpen = new ConcurrentHashMap<>();

    private WebhookReceiver() throws Exception {
        server = VERTX.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            Map<String, String> headers = new TreeMap<>();
            request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
            String path = request.path();
            received.add(new Received(path, request.query(), headers, body.toString(), System.nanoTime()));
            answer(request, path, next(path));
        }));
        port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    }

    /** The receiver most tests share (each on its own paths); it runs until the JVM ends, like {@link TargetServer}. */
    public static synchronized WebhookReceiver shared() {
        if (shared == null) {
            shared = start();
        }
        return shared;
    }

    /** A receiver of its own, e.g. one that must look like a different host:port; close it after use. */
    public static WebhookReceiver start() {
        try {
            return new WebhookReceiver();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the webhook receiver", e);
        }
    }

    @Override
    public void close() {
        server.close();
    }

    public static String newPath() {
        return "/hook/" + UUID.randomUUID();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** The URL with Basic-auth credentials in it. */
    public String urlWithCredentials(String userInfo, String path) {
        return "http://" + userInfo + "@127.0.0.1:" + port + path;
    }

    /** The next requests to {@code path} get these answers, in order; afterwards 200. */
    public WebhookReceiver script(String path, Answer... answers) {
        scripts.computeIfAbsent(path, p -> new ConcurrentLinkedDeque<>()).addAll(List.of(answers));
        return this;
    }

    /** Every request to {@code path} gets this answer (after any scripted ones). */
    public WebhookReceiver always(String path, Answer answer) {
        always.put(path, answer);
        return this;
    }

    public List<Received> requests(String path) {
        List<Received> matching = new ArrayList<>();
        for (Received request : received) {
            if (request.path().equals(path)) {
                matching.add(request);
            }
        }
        return matching;
    }

    /** Waits until {@code path} got at least {@code count} requests; returns them. */
    public List<Received> awaitRequests(String path, int count) {
        await().atMost(20, TimeUnit.SECONDS).until(() -> requests(path).size() >= count);
        return requests(path);
    }

    /** Requests to {@code path} not answered yet. */
    public int openRequests(String path) {
        AtomicInteger n = open.get(path);
        return n == null ? 0 : n.get();
    }

    /** Most requests to {@code path} open at the same time. */
    public int maxOpenRequests(String path) {
        AtomicInteger n = maxOpen.get(path);
        return n == null ? 0 : n.get();
    }

    private Answer next(String path) {
        Deque<Answer> script = scripts.get(path);
        Answer scripted = script == null ? null : script.poll();
        if (scripted != null) {
            return scripted;
        }
        return always.getOrDefault(path, Answer.status(200));
    }

    private void answer(HttpServerRequest request, String path, Answer answer) {
        AtomicInteger openNow = open.computeIfAbsent(path, p -> new AtomicInteger());
        maxOpen.computeIfAbsent(path, p -> new AtomicInteger()).accumulateAndGet(openNow.incrementAndGet(), Math::max);
        request.connection().closeHandler(ignored -> {
            if (!request.response().ended()) {
                openNow.decrementAndGet();
            }
        });
        if (answer instanceof Answer.Status status) {
            openNow.decrementAndGet();
            status.headers().forEach(request.response()::putHeader);
            request.response().setStatusCode(status.code()).end(status.body());
        } else if (answer instanceof Answer.Close) {
            request.connection().close();
        }
        // Hang: leave the request open until the client gives up and closes the connection.
    }
}
