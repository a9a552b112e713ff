package dev.asyncgateway.testsupport;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two page servers on one port: 127.0.0.1 (the address the test URL policy allows) and 127.0.0.2 (one it refuses),
 * so that a host name that rebinds from one to the other names the same URL. Each records the requests it served
 * (path and headers) and counts the connections it accepted, whether or not a request followed.
 * {@code /js} is a page that JavaScript completes; {@code /page?img=<url>&fetch=<url>} loads an image and fetches
 * the URLs given; anything else is a page naming its path.
 */
public final class TwinServers implements AutoCloseable {

    /** What one of the two servers saw. */
    public static final class Seen {
        private final List<String> requests = new CopyOnWriteArrayList<>();
        private final AtomicInteger connections = new AtomicInteger();

        /** Each request as its path and query, then its headers, one per line. */
        public List<String> requests() {
            return requests;
        }

        public int connections() {
            return connections.get();
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final Seen allowed = new Seen();
    private final Seen refused = new Seen();
    private final int port;

    public TwinServers() {
        int found = -1;
        for (int tries = 0; tries < 10 && found < 0; tries++) {
            HttpServer second = listen(refused, "127.0.0.2", 0);
            found = second.actualPort();
            try {
                listen(allowed, "127.0.0.1", found);
            } catch (IllegalStateException taken) {
                second.close();
                found = -1;
            }
        }
        if (found < 0) {
            throw new IllegalStateException("found no port free on both 127.0.0.1 and 127.0.0.2");
        }
        port = found;
    }

    private HttpServer listen(Seen seen, String host, int port) {
        HttpServer server = vertx.createHttpServer()
                .connectionHandler(connection -> seen.connections.incrementAndGet())
                .requestHandler(request -> serve(seen, request));
        try {
            return server.listen(port, host).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port, e);
        }
    }

    private static void serve(Seen seen, HttpServerRequest request) {
        StringBuilder record = new StringBuilder(request.uri());
        request.headers().forEach(h -> record.append('\n').append(h.getKey()).append(": ").append(h.getValue()));
        seen.requests.add(record.toString());
        String body = switch (request.path()) {
            case "/js" -> "<div id='out'>shell</div><script>setTimeout(() =>"
                    + " document.getElementById('out').textContent = 'written by JavaScript', 0)</script>";
            case "/page" -> "<p>page</p><img src='" + request.getParam("img", "") + "'><script>fetch('"
                    + request.getParam("fetch", "") + "').catch(() => {})</script>";
            default -> "<p>" + request.path() + "</p>";
        };
        request.response().putHeader("Content-Type", "text/html; charset=utf-8")
                .end("<!doctype html><html><head><title>twin</title></head><body>" + body + "</body></html>");
    }

    public int port() {
        return port;
    }

    /** The server on 127.0.0.1. */
    public Seen allowed() {
        return allowed;
    }

    /** The server on 127.0.0.2. */
    public Seen refused() {
        return refused;
    }

    @Override
    public void close() {
        vertx.close();
    }
}
