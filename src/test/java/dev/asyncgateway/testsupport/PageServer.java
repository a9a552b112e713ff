package dev.asyncgateway.testsupport;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pages for the browser, served on {@code host} (127.0.0.1 for the allowed server, 127.0.0.2 for the one the URL
 * policy refuses), or over TLS on 127.0.0.1 with a self-signed certificate ({@link #tls()}). Every request (WebSocket upgrades included) is counted by path, and concurrent requests of
 * {@code /hold} are tracked.
 */
public final class PageServer {

    private static final Map<String, PageServer> SERVERS = new ConcurrentHashMap<>();

    private final Vertx vertx = Vertx.vertx();
    private final String host;
    private final boolean tls;
    private final int port;
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final AtomicInteger holding = new AtomicInteger();
    private final AtomicInteger maxHolding = new AtomicInteger();
    private final java.util.Set<String> hogged = ConcurrentHashMap.newKeySet();
    private volatile String refusedBase = "http://127.0.0.2:9";

    private PageServer(String host, boolean tls) throws Exception {
        this.host = host;
        this.tls = tls;
        Router router = Router.router(vertx);
        router.route().handler(ctx -> {
            hits.computeIfAbsent(ctx.request().path(), p -> new AtomicInteger()).incrementAndGet();
            hits.computeIfAbsent("*", p -> new AtomicInteger()).incrementAndGet();
            ctx.next();
        });
        // The script's change comes from a task of its own, after parsing, yet well before the network falls idle: a
        // longer timer would race the idle window that ends a render (pages that write later are /late's business).
        router.get("/js").handler(ctx -> page(ctx, "<div id='out'>shell</div><script>setTimeout(() =>"
                + " document.getElementById('out').textContent = 'written by JavaScript', 0)</script>"));
        router.get("/late").handler(ctx -> page(ctx, "<div id='root'></div><script>setTimeout(() => {"
                + " const e = document.createElement('p'); e.id = 'late'; e.textContent = 'arrived late';"
                + " document.getElementById('root').appendChild(e); }, 1500)</script>"));
        router.get("/interval").handler(ctx -> page(ctx, "<div id='n'>0</div><script>let n = 0;"
                + " setInterval(() => document.getElementById('n').textContent = String(++n), 10)</script>"));
        router.get("/device").handler(ctx -> page(ctx, "<pre id='d'></pre><script>document.getElementById('d').textContent ="
                + " 'width=' + screen.width + ' touch=' + navigator.maxTouchPoints + ' ua=' + navigator.userAgent</script>"));
        router.get("/visit").handler(ctx -> {
            String cookie = ctx.request().getHeader("Cookie");
            if (cookie == null) {
                ctx.response().putHeader("Set-Cookie", "visitor=" + UUID.randomUUID() + "; Path=/; Max-Age=3600");
            }
            page(ctx, "<p id='cookie'>cookie=" + cookie + "</p><p id='storage'></p><script>"
                    + "document.getElementById('storage').textContent = 'stored=' + localStorage.getItem('seen');"
                    + " localStorage.setItem('seen', 'yes');</script>");
        });
        router.get("/hold").handler(ctx -> {
            int now = holding.incrementAndGet();
            maxHolding.accumulateAndGet(now, Math::max);
            // Held until answered, or until the browser gives up on it (its page was closed).
            java.util.concurrent.atomic.AtomicBoolean held = new java.util.concurrent.atomic.AtomicBoolean(true);
            Runnable release = () -> {
                if (held.compareAndSet(true, false)) {
                    holding.decrementAndGet();
                }
            };
            ctx.request().connection().closeHandler(ignored -> release.run());
            vertx.setTimer(Long.parseLong(ctx.request().getParam("ms", "800")), id -> {
                release.run();
                if (!ctx.response().closed()) {
                    ctx.response().putHeader("Content-Type", "image/gif").end("GIF89a");
                }
            });
        });
        router.get("/holding-page").handler(ctx -> page(ctx, "<img src='/hold?ms=" + ctx.request().getParam("ms", "800")
                + "'><p>held</p>"));
        router.get("/many").handler(ctx -> {
            StringBuilder images = new StringBuilder();
            for (int i = 0; i < 200; i++) {
                images.append("<img src='/pixel?").append(i).append("'>");
            }
            page(ctx, images.toString());
        });
        router.get("/pixel").handler(ctx -> ctx.response().putHeader("Content-Type", "image/gif").end("GIF89a"));
        router.get("/never").handler(ctx -> ctx.response().setChunked(true).putHeader("Content-Type", "text/html")
                .write("<html><body><p>loading for ever"));
        router.get("/leaky").handler(ctx -> {
            String refused = refusedBase;
            String ws = refused.replace("http://", "ws://");
            page(ctx, "<p>leaky</p><img src='" + refused + "/img'><iframe src='" + refused + "/frame'></iframe>"
                    + "<script>fetch('" + refused + "/fetch').catch(() => {});"
                    + " try { new WebSocket('" + ws + "/socket'); } catch (e) { }</script>");
        });
        router.get("/redirect-away").handler(ctx -> ctx.response().setStatusCode(302)
                .putHeader("Location", refusedBase + "/redirected").end());
        router.get("/navigate-away").handler(ctx -> page(ctx, "<p>navigating</p><script>setTimeout(() =>"
                + " { location.href = '" + refusedBase + "/navigated'; }, 100)</script>"));
        // The first visit of each key allocates without end, until the page's heap cap crashes its renderer; later
        // visits are a plain page, so that a retry can finish.
        router.get("/hog").handler(ctx -> {
            if (hogged.add(ctx.request().getParam("key", ""))) {
                page(ctx, "<p>hog</p><script>const kept = []; for (;;) { kept.push(new Array(1e6).fill(kept.length)); }</script>");
            } else {
                page(ctx, "<p>recovered</p>");
            }
        });
        router.get("/redirect-js").handler(ctx -> ctx.response().setStatusCode(302).putHeader("Location", "/js").end());
        router.route().handler(ctx -> page(ctx, "<p>" + ctx.request().path() + "</p>"));
        HttpServerOptions options = tls
                ? new HttpServerOptions().setSsl(true).setKeyCertOptions(SelfSignedTls.keyCertFor("ip:" + host))
                : new HttpServerOptions();
        HttpServer server = vertx.createHttpServer(options).webSocketHandler(socket -> {
            hits.computeIfAbsent(socket.path(), p -> new AtomicInteger()).incrementAndGet();
            hits.computeIfAbsent("*", p -> new AtomicInteger()).incrementAndGet();
            socket.close();
        }).requestHandler(router);
        port = server.listen(0, host).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    }

    public static PageServer on(String host) {
        return started(host, false);
    }

    /** The same pages over https on 127.0.0.1, with a self-signed certificate ({@link SelfSignedTls}). */
    public static PageServer tls() {
        return started("127.0.0.1", true);
    }

    private static PageServer started(String host, boolean tls) {
        return SERVERS.computeIfAbsent((tls ? "https://" : "http://") + host, key -> {
            try {
                return new PageServer(host, tls);
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the page server " + key, e);
            }
        });
    }

    /** Pages of {@code /leaky} and {@code /redirect-away} point there. */
    public void refuse(PageServer other) {
        refusedBase = other.url("");
    }

    public String url(String path) {
        return (tls ? "https://" : "http://") + host + ":" + port + path;
    }

    public int hits(String path) {
        AtomicInteger count = hits.get(path);
        return count == null ? 0 : count.get();
    }

    public int maxHolding() {
        return maxHolding.get();
    }

    private static void page(RoutingContext ctx, String body) {
        ctx.response().putHeader("Content-Type", "text/html; charset=utf-8")
                .end("<!doctype html><html><head><title>page</title></head><body>" + body + "</body></html>");
    }
}
