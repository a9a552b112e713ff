package dev.asyncgateway.render;

import dev.asyncgateway.config.RenderConfig;
import dev.asyncgateway.observability.GatewayMetrics;
import dev.asyncgateway.outbound.OutboundUrlPolicy;
import dev.asyncgateway.outbound.SafeAddressResolver;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.File;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * The one browser of this instance: a Chromium it started and supervises, or a browser service it connects to.
 * Started (or connected) on first use and again after it died: a lost connection kills the local process, a dead
 * process closes the connection, and the next render starts a fresh one. On every connection the browser-wide
 * guards are installed before any page opens:
 * <ul>
 *   <li>every request of every target (pages, iframes in other processes, workers, redirects, script navigations)
 *   is paused ({@code Fetch.enable} on the browser) and continued only once the {@link OutboundUrlPolicy} has judged
 *   the addresses its host resolves to; a refused one fails as {@code BlockedByClient}. That is the first of two
 *   checks: the connection itself goes through the {@link EgressProxy}, which judges again and connects to the
 *   address it checked;</li>
 *   <li>authentication challenges are answered by {@link ProxyAuth}: the egress proxy's challenge gets the token of
 *   the render that owns the frame, anything else is cancelled;</li>
 *   <li>popups (targets with an opener) are closed as they appear.</li>
 * </ul>
 */
@ApplicationScoped
public class Browser {

    private static final Logger LOG = Logger.getLogger(Browser.class);
    private static final List<String> CHROMIUM_NAMES = List.of("chromium", "chromium-browser", "google-chrome", "headless_shell");

    @Inject
    io.vertx.mutiny.core.Vertx mutinyVertx;

    @Inject
    RenderConfig settings;

    @Inject
    SafeAddressResolver resolver;

    @Inject
    GatewayMetrics metrics;

    @Inject
    EgressProxy egress;

    private Optional<String> chromium;
    private Future<CdpConnection> connecting;
    private LocalChromium local;
    private volatile boolean stopped;
    private final ProxyAuth proxyAuth = new ProxyAuth();

    /**
     * Looks for Chromium, and starts the egress proxy, at start-up, so that no request thread ever looks at the file
     * system for either.
     */
    void start(@Observes StartupEvent event) {
        if (available()) {
            egress.address().onFailure(failure -> LOG.errorf("the egress proxy cannot listen (%s); renders fail until it can",
                    failure.getMessage()));
            LOG.infof("rendering with %s", settings.browserUrl().map(url -> "the browser service at " + URI.create(url).getHost())
                    .orElseGet(() -> "Chromium at " + chromium().orElseThrow()));
        }
    }

    /** Whether this instance has a browser to render with: a browser service, or a Chromium to start. */
    public synchronized boolean available() {
        return settings.browserUrl().isPresent() || chromium().isPresent();
    }

    private synchronized Optional<String> chromium() {
        if (chromium == null) {
            chromium = settings.chromium().or(() -> settings.enabled() ? onPath() : Optional.empty());
        }
        return chromium;
    }

    /** Who answers the proxy challenges of the renders' frames. */
    ProxyAuth proxyAuth() {
        return proxyAuth;
    }

    /** The open connection, starting or reconnecting the browser when there is none. */
    Uni<CdpConnection> connection() {
        Future<CdpConnection> current;
        synchronized (this) {
            if (stopped) {
                return Uni.createFrom().failure(RenderFailure.browserGone("the gateway is stopping"));
            }
            if (connecting == null || connecting.failed() || (connecting.succeeded() && !connecting.result().isOpen())) {
                if (connecting != null) {
                    metrics.browserRestarted();
                }
                connecting = connect();
            }
            current = connecting;
        }
        return Uni.createFrom().completionStage(current.toCompletionStage());
    }

    private Future<CdpConnection> connect() {
        Vertx vertx = mutinyVertx.getDelegate();
        if (settings.browserUrl().isPresent()) {
            return egress.address().compose(listening -> webSocketUrl(vertx, settings.browserUrl().get()))
                    .compose(url -> CdpConnection.open(vertx, url, settings.maxMessageBytes()))
                    .compose(this::guard);
        }
        String executable = chromium().orElseThrow(() -> new IllegalStateException("no browser configured"));
        return egress.address().compose(egressAddress -> LocalChromium.start(vertx, executable, settings, egressAddress)).compose(started -> {
            synchronized (this) {
                local = started;
            }
            return CdpConnection.open(vertx, started.webSocketUrl(), settings.maxMessageBytes())
                    .onFailure(ignored -> started.stop(vertx))
                    .onSuccess(cdp -> {
                        cdp.onClose(this, () -> {
                            if (stopped) {
                                started.stop(vertx);
                                return;
                            }
                            LOG.warn("the connection to Chromium was lost; it is stopped and started again for the next render");
                            started.stop(vertx);
                        });
                        started.onExit(cdp::close);
                    });
        }).compose(this::guard);
    }

    /** Installs the browser-wide guards; the connection is handed out only once they are in place. */
    private Future<CdpConnection> guard(CdpConnection cdp) {
        cdp.listen(CdpConnection.BROWSER, event -> onBrowserEvent(cdp, event));
        JsonObject everyRequest = new JsonObject().put("patterns", new JsonArray().add(new JsonObject()
                .put("urlPattern", "*").put("requestStage", "Request"))).put("handleAuthRequests", true);
        Promise<CdpConnection> guarded = Promise.promise();
        cdp.send(CdpConnection.BROWSER, "Fetch.enable", everyRequest)
                .chain(() -> cdp.send(CdpConnection.BROWSER, "Target.setDiscoverTargets", new JsonObject().put("discover", true)))
                .subscribe().with(ignored -> guarded.complete(cdp), failure -> {
                    cdp.close();
                    guarded.fail(failure);
                });
        return guarded.future();
    }

    private void onBrowserEvent(CdpConnection cdp, JsonObject event) {
        JsonObject params = event.getJsonObject("params");
        switch (event.getString("method")) {
            case "Fetch.requestPaused" -> judge(cdp, params);
            case "Fetch.authRequired" -> proxyAuth.answer(cdp, params);
            case "Target.targetCreated" -> {
                JsonObject target = params.getValue("targetInfo") instanceof JsonObject t ? t : new JsonObject();
                if (target.getValue("openerId") instanceof String opener && !opener.isEmpty()
                        && target.getValue("targetId") instanceof String id) {
                    cdp.fire(CdpConnection.BROWSER, "Target.closeTarget", new JsonObject().put("targetId", id));
                }
            }
            default -> { }
        }
    }

    /** A paused request goes on only when its URL, and every address its host resolves to, pass the URL policy. */
    private void judge(CdpConnection cdp, JsonObject params) {
        if (!(params.getValue("requestId") instanceof String requestId)) {
            return;
        }
        JsonObject request = params.getValue("request") instanceof JsonObject r ? r : new JsonObject();
        String url = request.getValue("url") instanceof String u ? u : "";
        resolver.resolve(url, OutboundUrlPolicy.Use.TARGET).subscribe().with(
                checked -> cdp.fire(CdpConnection.BROWSER, "Fetch.continueRequest", new JsonObject().put("requestId", requestId)),
                refused -> cdp.fire(CdpConnection.BROWSER, "Fetch.failRequest",
                        new JsonObject().put("requestId", requestId).put("errorReason", "BlockedByClient")));
    }

    private static Future<String> webSocketUrl(Vertx vertx, String configured) {
        URI uri = URI.create(configured);
        String scheme = String.valueOf(uri.getScheme()).toLowerCase();
        if (scheme.equals("ws") || scheme.equals("wss")) {
            return Future.succeededFuture(configured);
        }
        boolean ssl = scheme.equals("https");
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(10_000).setSsl(ssl));
        RequestOptions version = new RequestOptions().setMethod(HttpMethod.GET).setHost(uri.getHost())
                .setPort(uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80).setURI("/json/version").setTimeout(10_000);
        return client.request(version).compose(request -> request.send()).compose(response -> response.body())
                .map(body -> {
                    String url = new JsonObject(body).getString("webSocketDebuggerUrl");
                    if (url == null || !(url.startsWith("ws://") || url.startsWith("wss://"))) {
                        throw RenderFailure.browserGone("the browser service names no DevTools WebSocket URL");
                    }
                    return url;
                })
                .eventually(() -> client.close());
    }

    private static Optional<String> onPath() {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String directory : path.split(File.pathSeparator)) {
            for (String name : CHROMIUM_NAMES) {
                File candidate = new File(directory, name);
                if (candidate.isFile() && candidate.canExecute()) {
                    return Optional.of(candidate.getPath());
                }
            }
        }
        return Optional.empty();
    }

    void stop(@Observes ShutdownEvent event) {
        LocalChromium started;
        synchronized (this) {
            stopped = true;
            started = local;
        }
        if (started != null) {
            started.stop(mutinyVertx.getDelegate());
        }
    }
}
