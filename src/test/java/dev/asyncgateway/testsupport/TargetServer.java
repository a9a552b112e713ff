package dev.asyncgateway.testsupport;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP target on an ephemeral port, with one path per behaviour a job may meet. Paths that take
 * a {@code key} count hits per key, so each test uses its own key and tests never disturb each other.
 */
public final class TargetServer {

    public static final String HTML = "<html><head><title>T</title></head><body><h1>Hello</h1><p>World <b>wide</b></p></body></html>";
    public static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, (byte) 0xff, (byte) 0xfe};

    private static TargetServer instance;

    private final Vertx vertx = Vertx.vertx();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final Map<String, Integer> concurrent = new ConcurrentHashMap<>();
    private final Map<String, Integer> maxConcurrent = new ConcurrentHashMap<>();
    private final int port;

    private TargetServer() throws Exception {
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create());
        router.route().handler(ctx -> {
            hits.computeIfAbsent(ctx.request().path(), p -> new AtomicInteger()).incrementAndGet();
            ctx.next();
        });
        router.get("/ok").handler(ctx -> html(ctx, 200));
        router.route("/status/:code").handler(ctx -> ctx.response().setStatusCode(Integer.parseInt(ctx.pathParam("code"))).end("status " + ctx.pathParam("code")));
        router.route("/flaky/:key/:failures").handler(this::flaky);
        router.route("/throttled/:key").handler(this::throttled);
        router.route("/slow/:key/:millis").handler(this::slow);
        router.get("/binary").handler(ctx -> ctx.response().putHeader("Content-Type", "image/png").end(Buffer.buffer(PNG)));
        router.get("/redirect/:hops").handler(ctx -> {
            int hops = Integer.parseInt(ctx.pathParam("hops"));
            if (hops == 0) {
                html(ctx, 200);
            } else {
                ctx.response().setStatusCode(302).putHeader("Location", "/redirect/" + (hops - 1)).end();
            }
        });
        router.get("/redirect-to").handler(ctx -> ctx.response().setStatusCode(302)
                .putHeader("Location", ctx.request().getParam("location")).end());
        router.get("/big/:bytes").handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain")
                .end(Buffer.buffer(new byte[Integer.parseInt(ctx.pathParam("bytes"))])));
        router.route("/echo").handler(ctx -> {
            JsonObject headers = new JsonObject();
            ctx.request().headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
            ctx.response().putHeader("Content-Type", "application/json").end(new JsonObject()
                    .put("method", ctx.request().method().name())
                    .put("headers", headers)
                    .put("body", ctx.body().asString()).encode());
        });
        HttpServer server = vertx.createHttpServer().requestHandler(router);
        port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    }

    public static synchronized TargetServer get() {
        if (instance == null) {
            try {
                instance = new TargetServer();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the test target server", e);
            }
        }
        return instance;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public int hits(String path) {
        AtomicInteger count = hits.get(path);
        return count == null ? 0 : count.get();
    }

    /** Most requests for this key that were open at the same time. */
    public int maxConcurrent(String key) {
        return maxConcurrent.getOrDefault(key, 0);
    }

    private static void html(RoutingContext ctx, int status) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8").end(HTML);
    }

    /** 500 for the first {@code failures} requests of a key, then 200. */
    private void flaky(RoutingContext ctx) {
        int n = hits.computeIfAbsent("flaky:" + ctx.pathParam("key"), k -> new AtomicInteger()).incrementAndGet();
        if (n <= Integer.parseInt(ctx.pathParam("failures"))) {
            ctx.response().setStatusCode(500).end("not yet");
        } else {
            html(ctx, 200);
        }
    }

    /** 429 with Retry-After: 1 on the first request of a key, then 200. */
    private void throttled(RoutingContext ctx) {
        int n = hits.computeIfAbsent("throttled:" + ctx.pathParam("key"), k -> new AtomicInteger()).incrementAndGet();
        if (n == 1) {
            ctx.response().setStatusCode(429).putHeader("Retry-After", "1").end("slow down");
        } else {
            html(ctx, 200);
        }
    }

    /** Answers after a delay, tracking how many requests of the key are open at once. */
    private void slow(RoutingContext ctx) {
        String key = ctx.pathParam("key");
        int open = concurrent.merge(key, 1, Integer::sum);
        maxConcurrent.merge(key, open, Math::max);
        vertx.setTimer(Long.parseLong(ctx.pathParam("millis")), id -> {
            concurrent.merge(key, -1, Integer::sum);
            if (!ctx.response().closed()) {
                html(ctx, 200);
            }
        });
    }
}
