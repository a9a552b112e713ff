package bench;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The local servers every measure talks to, on 127.0.0.1 and ports picked here:
 * <ul>
 * <li>target: any GET answers a fixed 2 KB HTML page; {@code ?ms=N} delays the answer by N ms; {@code GET /js}
 * answers a page with a little JavaScript instead (for P9): a script writes its content on load, from data in the
 * page and the page's own query string, so a rendered page differs from the bytes served and from every other
 * page;</li>
 * <li>receiver: {@code POST /hook/<tag>} answers 200 and counts per tag (and how many carried
 * {@code webhook-signature}); {@code GET /stats}, {@code POST /reset},
 * {@code GET /await?tag=&count=&timeout=} (answers once the tag has count callbacks);
 * {@code /hang/...} never answers;</li>
 * <li>hang: a receiver on its own port that never answers anything;</li>
 * <li>otlp: a trace sink, the gateway's OTLP/HTTP endpoint when tracing is measured: any POST (an
 * {@code ExportTraceServiceRequest}) is read whole and answered 200 with an empty protobuf response, as a collector
 * would; {@code GET /stats} counts the requests and bytes.</li>
 * </ul>
 * Prints {@code {"target":P,"receiver":P,"hang":P,"otlp":P}} on one line once listening.
 */
final class Serve {
    private static final byte[] PAGE = page();
    private static final byte[] JS_PAGE = jsPage();

    private static final class Tag {
        long count, signed, firstMs, lastMs;

        synchronized void hit(boolean isSigned, long nowMs) {
            if (count++ == 0) firstMs = nowMs;
            if (isSigned) signed++;
            lastMs = Math.max(lastMs, nowMs);
        }

        synchronized JsonObject json() {
            return new JsonObject().put("count", count).put("signed", signed).put("firstMs", firstMs).put("lastMs", lastMs);
        }
    }

    private static final Map<String, Tag> TAGS = new ConcurrentHashMap<>();
    private static final AtomicLong HANGING = new AtomicLong();
    private static final AtomicLong OTLP_REQUESTS = new AtomicLong();
    private static final AtomicLong OTLP_BYTES = new AtomicLong();

    static void run(Main.Args args) throws Exception {
        int loops = args.integer("event-loops", 2);
        String host = args.str("host", "127.0.0.1");
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
        int target = Main.freePort(), receiver = Main.freePort(), hang = Main.freePort(), otlp = Main.freePort();
        // One server per event loop on the same port: Vert.x spreads connections across them.
        for (int i = 0; i < loops; i++) {
            listen(vertx, host, target, Serve::target);
            listen(vertx, host, receiver, Serve::receiver);
            listen(vertx, host, hang, Serve::hang);
            listen(vertx, host, otlp, Serve::otlp);
        }
        System.out.println(new JsonObject().put("target", target).put("receiver", receiver).put("hang", hang)
                .put("otlp", otlp).encode());
        System.out.flush();
    }

    private static void listen(Vertx vertx, String host, int port, Handler<HttpServerRequest> handler) throws Exception {
        vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true).setAcceptBacklog(4096))
                .requestHandler(handler)
                .listen(port, host)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static void target(HttpServerRequest r) {
        String delay = r.getParam("ms");
        byte[] page = r.path().equals("/js") ? JS_PAGE : PAGE;
        Runnable answer = () -> r.response().putHeader("content-type", "text/html; charset=utf-8").end(Buffer.buffer(page));
        if (delay == null) {
            answer.run();
        } else {
            Vertx.currentContext().owner().setTimer(Math.max(1, Long.parseLong(delay)), t -> answer.run());
        }
    }

    private static void receiver(HttpServerRequest r) {
        String path = r.path();
        if (path.startsWith("/hook/")) {
            String tag = path.substring("/hook/".length());
            boolean signed = r.getHeader("webhook-signature") != null;
            r.body().onComplete(b -> {
                TAGS.computeIfAbsent(tag, k -> new Tag()).hit(signed, System.currentTimeMillis());
                r.response().setStatusCode(200).end();
            });
        } else if (path.startsWith("/hang")) {
            hang(r);
        } else if (path.equals("/stats")) {
            r.response().putHeader("content-type", "application/json").end(stats().encode());
        } else if (path.equals("/reset")) {
            TAGS.clear();
            r.response().setStatusCode(204).end();
        } else if (path.equals("/await")) {
            awaitCount(r);
        } else {
            r.response().setStatusCode(404).end();
        }
    }

    /** Answers when the tag has at least {@code count} callbacks, or at the timeout, with the tag's figures. */
    private static void awaitCount(HttpServerRequest r) {
        String tag = r.getParam("tag");
        long count = Long.parseLong(r.getParam("count"));
        long deadline = System.currentTimeMillis() + Long.parseLong(r.getParam("timeout", "600000"));
        Vertx vertx = Vertx.currentContext().owner();
        vertx.setPeriodic(0, 5, id -> {
            Tag t = TAGS.get(tag);
            JsonObject figures = t == null ? new JsonObject().put("count", 0) : t.json();
            if (figures.getLong("count") >= count || System.currentTimeMillis() > deadline) {
                vertx.cancelTimer(id);
                r.response().putHeader("content-type", "application/json").end(figures.encode());
            }
        });
    }

    private static JsonObject stats() {
        JsonObject tags = new JsonObject();
        TAGS.forEach((k, v) -> tags.put(k, v.json()));
        return new JsonObject().put("tags", tags).put("hanging", HANGING.get());
    }

    private static void otlp(HttpServerRequest r) {
        if (r.method() == HttpMethod.GET) {
            r.response().putHeader("content-type", "application/json").end(new JsonObject()
                    .put("requests", OTLP_REQUESTS.get()).put("bytes", OTLP_BYTES.get()).encode());
            return;
        }
        r.body().onComplete(b -> {
            OTLP_REQUESTS.incrementAndGet();
            OTLP_BYTES.addAndGet(b.succeeded() ? b.result().length() : 0);
            r.response().putHeader("content-type", "application/x-protobuf").end(Buffer.buffer());
        });
    }

    /** Reads the request and never answers; the connection stays open until the client gives up. */
    private static void hang(HttpServerRequest r) {
        HANGING.incrementAndGet();
        r.handler(b -> { });
    }

    private static byte[] page() {
        StringBuilder sb = new StringBuilder("<!doctype html><html><head><title>Bench page</title></head><body><h1>Bench page</h1>");
        while (sb.length() < 2000) {
            sb.append("<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.</p>");
        }
        return sb.append("</body></html>").toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * No subresource, so that a page's time is its own script and the renderers' waits, not extra round trips:
     * the script builds 40 paragraphs and a list on the load event and marks the body as rendered
     * ({@code data-rendered}, which the peer checks).
     */
    private static byte[] jsPage() {
        return ("<!doctype html><html><head><title>Bench render page</title></head><body><h1>Bench render page</h1>"
                + "<div id=\"out\"></div><script>"
                + "const words = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor'.split(' ');"
                + "addEventListener('load', () => {"
                + "  const out = document.getElementById('out');"
                + "  for (let i = 0; i < 40; i++) {"
                + "    const p = document.createElement('p');"
                + "    p.textContent = words.map((w, j) => words[(i + j) % words.length]).join(' ') + ' ' + location.search;"
                + "    out.appendChild(p);"
                + "  }"
                + "  const ul = document.createElement('ul');"
                + "  for (const w of words) { const li = document.createElement('li'); li.textContent = w.toUpperCase(); ul.appendChild(li); }"
                + "  out.appendChild(ul);"
                + "  document.body.dataset.rendered = 'yes';"
                + "});"
                + "</script></body></html>").getBytes(StandardCharsets.UTF_8);
    }
}
