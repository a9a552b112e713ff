package dev.asyncgateway.render;

import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.config.RenderConfig;
import dev.asyncgateway.outbound.OutboundUrl;
import dev.asyncgateway.outbound.OutboundUrlPolicy;
import dev.asyncgateway.outbound.ProxyPool;
import dev.asyncgateway.outbound.SafeAddressResolver;
import dev.asyncgateway.outbound.UrlPolicyViolation;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The browser's only way to the network: a forward proxy inside the gateway that every browser context, and the
 * local Chromium as a whole, is configured to use. It applies to each connection what a fetch applies: the URL
 * policy judges the target, and the connection goes to the address that was checked (no second DNS lookup, so a
 * name that rebinds between two lookups cannot reach a refused address), or through the render's pool proxy, which
 * resolves the name as it does for a fetch.
 * <ul>
 *   <li>{@code CONNECT host:port} (https): judged, connected, answered {@code 200}, then bytes are piped both ways;</li>
 *   <li>absolute-form requests ({@code GET http://host/path}): judged, forwarded without hop-by-hop headers and
 *   without {@code Proxy-Authorization}, the answer streamed back.</li>
 * </ul>
 * Every request must carry a render's token as {@code Proxy-Authorization: Basic render:<token>} ({@code 407}
 * otherwise), so the port is no open proxy for other local processes; the token also says whether the render goes
 * direct or through which pool proxy, whose credentials stay here. A refused target gets {@code 403}; a target
 * that cannot be reached gets its connection closed, as a failed connection looks to a browser without a proxy.
 * <p>
 * Hand-written on Vert.x core: there is no maintained forward-proxy library for Java on this stack, and Vert.x's
 * HTTP server (which parses CONNECT and hands the connection over as a socket), its clients and its pipes are the
 * parts. Nothing here logs a token or a pool proxy's credentials.
 * <p>
 * It runs on a small Vert.x instance of its own, without metrics: Quarkus meters every HTTP server of its Vert.x as
 * the gateway's API ({@code http_server_requests} by URI), and the browser's traffic is not the API's.
 */
@ApplicationScoped
public class EgressProxy {

    private static final Logger LOG = Logger.getLogger(EgressProxy.class);
    /** Hop-by-hop headers (RFC 9110 section 7.6.1), never forwarded in either direction. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");

    @Inject
    RenderConfig settings;

    @Inject
    GatewayConfig config;

    @Inject
    SafeAddressResolver resolver;

    @Inject
    OutboundUrlPolicy policy;

    private final Map<String, EgressRoute> routes = new ConcurrentHashMap<>();
    private final Map<ProxyPool.Proxy, NetClient> poolTunnels = new ConcurrentHashMap<>();
    private Future<String> listening;
    private Vertx vertx;
    private HttpServer server;
    private NetClient tunnels;
    private HttpClient requests;

    /**
     * The proxy's URL for the browser ({@code http://host:port}), once it listens; it starts listening on the first
     * call (at start-up, from {@link Browser}: creating its Vert.x reads the resolver's files), and again after a
     * failed start.
     */
    synchronized Future<String> address() {
        if (listening == null || listening.failed()) {
            listening = listen();
        }
        return listening;
    }

    private Future<String> listen() {
        if (vertx == null) {
            vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1)
                    .setMetricsOptions(new MetricsOptions().setEnabled(false)));
        }
        int idleMillis = (int) settings.egressIdleTimeout().toMillis();
        tunnels = vertx.createNetClient(tunnelOptions());
        requests = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) config.fetch().connectTimeout().toMillis())
                .setIdleTimeout(idleMillis).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setMaxPoolSize(settings.egressMaxConnectionsPerContext()).setTryUseCompression(false));
        server = vertx.createHttpServer(new HttpServerOptions()
                .setMaxInitialLineLength(settings.egressMaxHeaderBytes())
                .setMaxHeaderSize(settings.egressMaxHeaderBytes())
                .setIdleTimeout(idleMillis).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setHttp2ClearTextEnabled(false)
                .setHandle100ContinueAutomatically(false)
                .setCompressionSupported(false))
                .requestHandler(this::handle);
        String bind = settings.egressBindHost();
        return server.listen(settings.egressPort(), bind).map(started -> {
            String host = settings.egressAdvertisedHost().orElse(bind);
            String address = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + started.actualPort();
            LOG.infof("the browser reaches the network through the egress proxy at %s", address);
            return address;
        });
    }

    private NetClientOptions tunnelOptions() {
        return new NetClientOptions().setConnectTimeout((int) config.fetch().connectTimeout().toMillis())
                .setIdleTimeout((int) settings.egressIdleTimeout().toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    }

    /** A new route for one browser context: direct, or through {@code pool}. */
    EgressRoute open(Optional<ProxyPool.Proxy> pool) {
        EgressRoute route = new EgressRoute(pool, settings.egressMaxConnectionsPerContext());
        routes.put(route.token(), route);
        return route;
    }

    /** Forgets the route's token and closes its connections: its context has closed. */
    void forget(EgressRoute route) {
        routes.remove(route.token());
        route.close();
    }

    private void handle(HttpServerRequest request) {
        EgressRoute route = authenticated(request.getHeader(HttpHeaders.PROXY_AUTHORIZATION));
        if (route == null) {
            request.response().setStatusCode(407).putHeader(HttpHeaders.PROXY_AUTHENTICATE, "Basic realm=\"gateway\"").end();
            return;
        }
        if (request.method() == HttpMethod.CONNECT) {
            tunnel(request, route);
        } else {
            forward(request, route);
        }
    }

    /** The route whose token {@code header} ({@code Basic base64(user:token)}) carries, or null. */
    private EgressRoute authenticated(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String pair;
        try {
            pair = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return null;
        }
        int colon = pair.indexOf(':');
        return colon < 0 ? null : routes.get(pair.substring(colon + 1));
    }

    /** {@code CONNECT host:port}: judged like the https URL of that authority, then piped to the checked address. */
    private void tunnel(HttpServerRequest request, EgressRoute route) {
        Runnable closer = admitted(request, route);
        if (closer == null) {
            return;
        }
        String target = "https://" + request.uri() + "/";
        connect(route, target).onComplete(connected -> {
            if (connected.failed()) {
                route.release(closer);
                fail(request, route, connected.cause(), target);
                return;
            }
            NetSocket upstream = connected.result();
            request.toNetSocket().onComplete(accepted -> {
                if (accepted.failed()) {
                    upstream.close();
                    route.release(closer);
                    return;
                }
                splice(accepted.result(), upstream, () -> route.release(closer));
            });
        });
    }

    /**
     * Counts the request's connection against its route: what closes it when the route closes, or null when the route
     * has no room left (then it is answered {@code 503}).
     */
    private static Runnable admitted(HttpServerRequest request, EgressRoute route) {
        Runnable closer = () -> request.connection().close();
        if (route.admit(closer)) {
            return closer;
        }
        refuse(request, 503, "too many connections");
        return null;
    }

    /** A socket to the target of {@code url}: to the checked address, or through the route's pool proxy. */
    private Future<NetSocket> connect(EgressRoute route, String url) {
        if (route.pool().isPresent()) {
            ProxyPool.Proxy pool = route.pool().get();
            return judgedAsWritten(url).compose(checked -> poolTunnels
                    .computeIfAbsent(pool, p -> vertx.createNetClient(tunnelOptions().setProxyOptions(p.options())))
                    .connect(checked.port(), checked.host()));
        }
        return future(resolver.resolve(url, OutboundUrlPolicy.Use.TARGET)).compose(checked -> tunnels.connect(
                SocketAddress.inetSocketAddress(new InetSocketAddress(checked.address(), checked.url().port()))));
    }

    /** Through a pool proxy the URL policy judges the URL as written and the pool proxy resolves, as for a fetch. */
    private Future<OutboundUrl> judgedAsWritten(String url) {
        try {
            return Future.succeededFuture(policy.check(url, OutboundUrlPolicy.Use.TARGET));
        } catch (UrlPolicyViolation violation) {
            return Future.failedFuture(violation);
        }
    }

    /** Pipes both ways; when either side closes, fails or idles out, both are closed. */
    private static void splice(NetSocket browser, NetSocket upstream, Runnable closed) {
        browser.closeHandler(ignored -> {
            upstream.close();
            closed.run();
        });
        upstream.closeHandler(ignored -> {
            browser.close();
            closed.run();
        });
        browser.pipeTo(upstream);
        upstream.pipeTo(browser);
    }

    /** An absolute-form request: judged, sent to the checked address (or the pool proxy), its answer streamed back. */
    private void forward(HttpServerRequest request, EgressRoute route) {
        String url = request.uri();
        if (!url.regionMatches(true, 0, "http://", 0, 7)) {
            refuse(request, 400, "a proxy request names an absolute http:// URL");
            return;
        }
        Runnable closer = admitted(request, route);
        if (closer == null) {
            return;
        }
        boolean body = request.headers().contains(HttpHeaders.CONTENT_LENGTH) || request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
        if (body) {
            // Held until the target is judged and connected; the pipe then resumes it.
            request.pause();
        }
        requestOptions(route, url, request.method())
                .compose(options -> requests.request(copyHeaders(request.headers(), options)))
                .compose(out -> body ? out.send(request) : out.send())
                .onComplete(answered -> {
                    if (answered.failed()) {
                        route.release(closer);
                        fail(request, route, answered.cause(), url);
                        return;
                    }
                    relay(answered.result(), request.response()).onComplete(done -> route.release(closer));
                });
    }

    private Future<RequestOptions> requestOptions(EgressRoute route, String url, HttpMethod method) {
        long idleMillis = settings.egressIdleTimeout().toMillis();
        if (route.pool().isPresent()) {
            return judgedAsWritten(url).map(checked -> new RequestOptions().setMethod(method).setHost(checked.host())
                    .setPort(checked.port()).setURI(checked.pathAndQuery()).setIdleTimeout(idleMillis)
                    .setProxyOptions(route.pool().get().options()));
        }
        return future(resolver.resolve(url, OutboundUrlPolicy.Use.TARGET))
                .map(checked -> checked.requestOptions(method).setIdleTimeout(idleMillis));
    }

    /** The browser's headers for the target: Host kept, hop-by-hop and proxy headers left out. */
    private static RequestOptions copyHeaders(MultiMap headers, RequestOptions options) {
        Set<String> hop = hopByHop(headers);
        headers.forEach(header -> {
            if (!hop.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                options.addHeader(header.getKey(), header.getValue());
            }
        });
        return options;
    }

    private static Future<Void> relay(HttpClientResponse in, HttpServerResponse out) {
        out.setStatusCode(in.statusCode()).setStatusMessage(in.statusMessage());
        Set<String> hop = hopByHop(in.headers());
        in.headers().forEach(header -> {
            if (!hop.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                out.headers().add(header.getKey(), header.getValue());
            }
        });
        if (!in.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
            out.setChunked(true);
        }
        return out.send(in).onFailure(ignored -> out.close());
    }

    /** The hop-by-hop headers, and those a {@code Connection} header names. */
    private static Set<String> hopByHop(MultiMap headers) {
        Set<String> hop = new HashSet<>(HOP_BY_HOP);
        for (String connection : headers.getAll(HttpHeaders.CONNECTION)) {
            for (String name : connection.split(",")) {
                hop.add(name.trim().toLowerCase(Locale.ROOT));
            }
        }
        return hop;
    }

    /**
     * A refused target gets {@code 403}, and its render remembers it; anything else (no such name, the connection
     * failed) closes the browser's connection, which is how a browser without a proxy would see it.
     */
    private static void fail(HttpServerRequest request, EgressRoute route, Throwable failure, String url) {
        if (failure instanceof UrlPolicyViolation) {
            route.refused(url);
            refuse(request, 403, "refused by the outbound URL policy");
            return;
        }
        request.connection().close();
    }

    /** Answers and closes the connection (after a refused CONNECT the connection would otherwise stay open). */
    private static void refuse(HttpServerRequest request, int status, String reason) {
        request.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
                .putHeader(HttpHeaders.CONNECTION, "close").end(reason)
                .onComplete(ignored -> request.connection().close());
    }

    /** The item of {@code uni} (from the gateway's resolver, on the gateway's Vert.x) back on the egress proxy's event loop. */
    private <T> Future<T> future(Uni<T> uni) {
        Context context = vertx.getOrCreateContext();
        Promise<T> promise = Promise.promise();
        uni.emitOn(task -> context.runOnContext(ignored -> task.run())).subscribe().with(promise::complete, promise::fail);
        return promise.future();
    }

    void stop(@Observes ShutdownEvent event) {
        if (server != null) {
            server.close();
            tunnels.close();
            requests.close();
            poolTunnels.values().forEach(NetClient::close);
            vertx.close();
        }
    }
}
