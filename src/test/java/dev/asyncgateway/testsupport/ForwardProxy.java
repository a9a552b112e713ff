package dev.asyncgateway.testsupport;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A tiny HTTP forward proxy for tests (absolute-form requests, as clients send plain http through a proxy): it
 * forwards each request to its target and marks the answer with {@code x-via-proxy: <name>}, so a job's stored
 * response names the proxy that served it. With credentials set it answers 407 to requests without them.
 */
public final class ForwardProxy implements AutoCloseable {

    private static final Vertx VERTX = Vertx.vertx();

    private final String name;
    private final HttpServer server;
    private final HttpClient client = VERTX.createHttpClient();
    private final List<String> requested = new CopyOnWriteArrayList<>();
    private final int port;

    private ForwardProxy(String name, String user, String password) throws Exception {
        this.name = name;
        String expected = user == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        server = VERTX.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            if (expected != null && !expected.equals(request.getHeader("Proxy-Authorization"))) {
                request.response().setStatusCode(407).putHeader("Proxy-Authenticate", "Basic realm=\"test\"").end();
                return;
            }
            requested.add(request.uri());
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.valueOf(request.method().name()))
                    .setAbsoluteURI(request.uri());
            request.headers().forEach(h -> {
                String header = h.getKey().toLowerCase();
                if (!header.equals("proxy-authorization") && !header.equals("host") && !header.equals("connection")) {
                    options.addHeader(h.getKey(), h.getValue());
                }
            });
            client.request(options)
                    .compose(out -> out.send(body))
                    .compose(in -> in.body().map(answer -> {
                        request.response().setStatusCode(in.statusCode());
                        in.headers().forEach(h -> {
                            if (!h.getKey().equalsIgnoreCase("transfer-encoding") && !h.getKey().equalsIgnoreCase("connection")) {
                                request.response().putHeader(h.getKey(), h.getValue());
                            }
                        });
                        request.response().putHeader("x-via-proxy", name).end(answer);
                        return answer;
                    }))
                    .onFailure(e -> request.response().setStatusCode(502).end("bad gateway"));
        }));
        port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    }

    public static ForwardProxy start(String name) {
        return start(name, null, null);
    }

    /** A proxy that wants {@code Proxy-Authorization: Basic user:password}. */
    public static ForwardProxy start(String name, String user, String password) {
        try {
            return new ForwardProxy(name, user, password);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the forward proxy", e);
        }
    }

    /** A port nothing listens on (it was free a moment ago): a proxy of the pool that refuses every connection. */
    public static int unusedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    /** The absolute URIs this proxy forwarded, in order. */
    public List<String> requested() {
        return requested;
    }

    @Override
    public void close() {
        server.close();
        client.close();
    }
}
