package dev.asyncgateway.render;

import dev.asyncgateway.common.CpuWorkers;
import dev.asyncgateway.config.RenderConfig;
import dev.asyncgateway.outbound.FetchResult;
import dev.asyncgateway.outbound.UrlPolicyViolation;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * One render, from a fresh browser context to its disposal: open a page in its own context (no cookie, storage,
 * cache or service worker shared with any other job), load the target, wait for the load event and a quiet network,
 * then for the selector when asked, and take the DOM (and the screenshot). Whatever ends it (done, failed, timed out,
 * browser lost, caps exceeded), the context is disposed, once.
 * <p>
 * Events arrive on the connection's event loop; the state they change is guarded by this object's lock.
 */
final class PageRender {

    /** Chromium's errors of the TLS handshake or the certificate (ERR_CERT_*, ERR_SSL_*, ERR_BAD_SSL_*, ERR_TLS13_*). */
    private static final Pattern TLS_FAILURE = Pattern.compile("ERR_(CERT|SSL|BAD_SSL|TLS)");

    private static final long POLL_MILLIS = 50;
    private static final long SELECTOR_POLL_MILLIS = 100;
    private static final int MAX_SCREENSHOT_WIDTH = 4096;
    /** Scripts on a rendered page get no WebSocket and no WebRTC: neither goes through the request guard. */
    private static final String NO_SOCKETS = """
            (() => { for (const name of ['WebSocket', 'WebTransport', 'RTCPeerConnection', 'webkitRTCPeerConnection']) {
              try { Object.defineProperty(globalThis, name, {value: undefined, writable: false, configurable: false}); } catch (e) { }
            } })();""";

    private final Vertx vertx;
    private final CdpConnection cdp;
    private final RenderRequest request;
    private final RenderConfig settings;
    private final CpuWorkers cpu;
    private final int maxHtmlBytes;
    private final ProxyAuth proxyAuth;
    private final EgressProxy egress;
    private final String egressAddress;
    /** This render's way out through the egress proxy; its token is the credentials of this render's frames. */
    private final EgressRoute route;
    private final ProxyAuth.Credentials credentials;
    private final Set<String> frames = new HashSet<>();
    private final CompletableFuture<RenderedPage> outcome = new CompletableFuture<>();
    private final CompletableFuture<Void> loaded = new CompletableFuture<>();

    private String contextId;
    private String targetId;
    private String sessionId;
    private boolean ended;
    private String phase = "opening the page";
    private long timer = -1;
    private final Set<String> inFlight = new HashSet<>();
    private long lastActivity = System.nanoTime();
    private int requests;
    private long bytes;
    private Integer status;
    private JsonObject documentHeaders;

    PageRender(Vertx vertx, CdpConnection cdp, RenderRequest request, RenderConfig settings, CpuWorkers cpu, int maxHtmlBytes,
               ProxyAuth proxyAuth, EgressProxy egress, String egressAddress) {
        this.vertx = vertx;
        this.cdp = cdp;
        this.request = request;
        this.settings = settings;
        this.cpu = cpu;
        this.maxHtmlBytes = maxHtmlBytes;
        this.proxyAuth = proxyAuth;
        this.egress = egress;
        this.egressAddress = egressAddress;
        this.route = egress.open(request.proxy());
        this.credentials = new ProxyAuth.Credentials(EgressRoute.USER, route.token());
    }

    /** Starts the render; it ends by {@code deadlineNanos} ({@link System#nanoTime()}) at the latest. */
    CompletableFuture<RenderedPage> start(long deadlineNanos) {
        long millis = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
        synchronized (this) {
            timer = vertx.setTimer(millis, id -> end(timedOut(millis)));
        }
        cdp.onClose(this, () -> end(RenderFailure.browserGone("the browser went away during the render")));
        open()
                .chain(this::navigate)
                .chain(() -> step("waiting for the load event", Uni.createFrom().completionStage(loaded)))
                .chain(this::networkIdle)
                .chain(this::selector)
                .chain(this::capture)
                .subscribe().with(this::finish, this::end);
        return outcome;
    }

    private Uni<Void> open() {
        return cdp.send(CdpConnection.BROWSER, "Target.createBrowserContext", contextOptions())
                .invoke(created -> {
                    synchronized (this) {
                        contextId = created.getString("browserContextId");
                        if (ended) {
                            dispose();
                        }
                    }
                })
                .chain(() -> cdp.send(CdpConnection.BROWSER, "Browser.setDownloadBehavior",
                        new JsonObject().put("behavior", "deny").put("browserContextId", contextId)))
                .chain(() -> cdp.send(CdpConnection.BROWSER, "Target.createTarget",
                        new JsonObject().put("url", "about:blank").put("browserContextId", contextId)))
                .invoke(created -> {
                    synchronized (this) {
                        targetId = created.getString("targetId");
                        if (!ended) {
                            // The main frame's id is its target's; the document is the first to meet the proxy's challenge.
                            ownFrame(targetId);
                        }
                    }
                })
                .chain(() -> cdp.send(CdpConnection.BROWSER, "Target.attachToTarget",
                        new JsonObject().put("targetId", targetId).put("flatten", true)))
                .chain(attached -> {
                    synchronized (this) {
                        sessionId = attached.getString("sessionId");
                        if (ended) {
                            return Uni.createFrom().failure(new RenderFailure("ended", "the render has ended", false));
                        }
                        cdp.listen(sessionId, this::onEvent);
                    }
                    return prepare();
                });
    }

    /**
     * A fresh context whose every connection goes through the egress proxy (which goes on through the render's pool
     * proxy, if any). Chromium sends loopback addresses around any proxy unless told otherwise ({@code <-loopback>}).
     */
    private JsonObject contextOptions() {
        return new JsonObject().put("disposeOnDetach", true)
                .put("proxyServer", egressAddress).put("proxyBypassList", "<-loopback>");
    }

    /** Proxy challenges met by this frame's requests get the render's egress token. */
    private synchronized void ownFrame(String frameId) {
        if (frameId != null && !ended && frames.add(frameId)) {
            proxyAuth.register(frameId, credentials);
        }
    }

    /** The page's settings, all before the first byte of the target loads. */
    private Uni<Void> prepare() {
        boolean mobile = request.mobile();
        List<Uni<JsonObject>> commands = new ArrayList<>(List.of(
                page("Page.enable"),
                page("Inspector.enable"),
                page("Network.enable"),
                page("Network.setBlockedURLs", new JsonObject()
                        .put("urls", new JsonArray().add("ws://*").add("wss://*"))
                        .put("urlPatterns", new JsonArray()
                                .add(new JsonObject().put("urlPattern", "ws://*").put("block", true))
                                .add(new JsonObject().put("urlPattern", "wss://*").put("block", true)))),
                page("Page.addScriptToEvaluateOnNewDocument", new JsonObject().put("source", NO_SOCKETS)),
                page("Network.setUserAgentOverride", new JsonObject()
                        .put("userAgent", request.userAgent()).put("acceptLanguage", "en-US,en;q=0.9")),
                page("Emulation.setDeviceMetricsOverride", new JsonObject()
                        .put("width", mobile ? 390 : 1366).put("height", mobile ? 844 : 768)
                        .put("screenWidth", mobile ? 390 : 1366).put("screenHeight", mobile ? 844 : 768)
                        .put("deviceScaleFactor", mobile ? 2 : 1).put("mobile", mobile))));
        if (mobile) {
            commands.add(page("Emulation.setTouchEmulationEnabled", new JsonObject().put("enabled", true).put("maxTouchPoints", 5)));
        }
        return Uni.join().all(commands).andFailFast().replaceWithVoid();
    }

    private Uni<Void> navigate() {
        return step("loading " + request.url(), page("Page.navigate", new JsonObject().put("url", request.url())))
                .invoke(navigated -> {
                    String error = navigated.getValue("errorText") instanceof String e ? e : "";
                    if (error.contains("ERR_BLOCKED_BY_CLIENT") || route.wasRefused(request.url())) {
                        throw new RenderFailure(UrlPolicyViolation.FAIL_REASON, "the outbound URL policy refused the page", false);
                    }
                    if (!error.isEmpty()) {
                        throw new RenderFailure(navigationFailure(error), error, true);
                    }
                    if (Boolean.TRUE.equals(navigated.getValue("isDownload"))) {
                        throw new RenderFailure("download_refused", "the page is a download, which the renderer refuses", false);
                    }
                })
                .replaceWithVoid();
    }

    /**
     * A failed navigation by the kinds of a failed fetch where they match, so that a proxy that refuses, drops or
     * stalls the connection counts against the proxy (ProxyPool.isConnectionFailure) as it does for a fetch.
     */
    static String navigationFailure(String errorText) {
        if (errorText.contains("ERR_PROXY_CONNECTION_FAILED") || errorText.contains("ERR_TUNNEL_CONNECTION_FAILED")
                || errorText.contains("ERR_CONNECTION_REFUSED")) {
            return "connection_refused";
        }
        if (errorText.contains("ERR_CONNECTION_CLOSED") || errorText.contains("ERR_CONNECTION_RESET")
                || errorText.contains("ERR_EMPTY_RESPONSE")) {
            return "connection_closed";
        }
        if (errorText.contains("TIMED_OUT")) {
            return "timeout";
        }
        if (TLS_FAILURE.matcher(errorText).find()) {
            return "tls";
        }
        return "navigation_failed";
    }

    /** Waits until no request has been in flight for the idle time, or the longest wait for that has passed. */
    private Uni<Void> networkIdle() {
        long idle = settings.networkIdle().toNanos();
        long giveUp = System.nanoTime() + settings.networkIdleMaxWait().toNanos();
        return step("waiting for the network to be idle", poll(POLL_MILLIS, () -> {
            synchronized (this) {
                long now = System.nanoTime();
                return (inFlight.isEmpty() && now - lastActivity >= idle) || now > giveUp;
            }
        }));
    }

    private Uni<Void> selector() {
        String selector = request.waitForSelector();
        if (selector == null) {
            return Uni.createFrom().voidItem();
        }
        String expression = "document.querySelector(" + new JsonArray().add(selector).encode() + "[0]) !== null";
        return step("waiting for the selector", Uni.createFrom().emitter(emitter -> checkSelector(expression, emitter)));
    }

    private void checkSelector(String expression, io.smallrye.mutiny.subscription.UniEmitter<? super Void> emitter) {
        evaluate(expression).subscribe().with(value -> {
            if (Boolean.TRUE.equals(value)) {
                emitter.complete(null);
            } else if (!isEnded()) {
                vertx.setTimer(SELECTOR_POLL_MILLIS, id -> checkSelector(expression, emitter));
            }
        }, emitter::fail);
    }

    private Uni<RenderedPage> capture() {
        String expression = "(() => { const e = document.documentElement; const h = e ? e.outerHTML : '';"
                + " return h.length > " + maxHtmlBytes + " ? {tooLarge: true, href: location.href} : {html: h, href: location.href}; })()";
        return step("reading the page", evaluate(expression)).chain(value -> {
            JsonObject page = value instanceof JsonObject o ? o : new JsonObject();
            String finalUrl = page.getValue("href") instanceof String href ? href : request.url();
            if (Boolean.TRUE.equals(page.getValue("tooLarge")) || !(page.getValue("html") instanceof String)) {
                throw new RenderFailure("response_too_large", "the page's HTML is larger than " + maxHtmlBytes + " bytes", false);
            }
            byte[] html = ((String) page.getValue("html")).getBytes(StandardCharsets.UTF_8);
            if (html.length > maxHtmlBytes) {
                throw new RenderFailure("response_too_large", "the page's HTML is larger than " + maxHtmlBytes + " bytes", false);
            }
            FetchResult answer = answer(html, finalUrl);
            if (!request.screenshot()) {
                return Uni.createFrom().item(new RenderedPage(answer, null));
            }
            return screenshot().map(png -> new RenderedPage(answer, png));
        });
    }

    private Uni<byte[]> screenshot() {
        return step("taking the screenshot", page("Page.getLayoutMetrics")).chain(metrics -> {
            JsonObject size = metrics.getValue("cssContentSize") instanceof JsonObject s ? s : new JsonObject();
            double width = size.getValue("width") instanceof Number w ? w.doubleValue() : 0;
            double height = size.getValue("height") instanceof Number h ? h.doubleValue() : 0;
            JsonObject clip = new JsonObject().put("x", 0).put("y", 0)
                    .put("width", Math.max(1, Math.min(MAX_SCREENSHOT_WIDTH, (int) Math.ceil(width))))
                    .put("height", Math.max(1, Math.min(settings.screenshotMaxHeight(), (int) Math.ceil(height))))
                    .put("scale", 1);
            return page("Page.captureScreenshot", new JsonObject().put("format", "png")
                    .put("captureBeyondViewport", true).put("clip", clip));
        }).chain(shot -> {
            String data = shot.getValue("data") instanceof String d ? d : "";
            if ((long) data.length() * 3 / 4 > settings.screenshotMaxBytes()) {
                throw new RenderFailure("screenshot_too_large", "the screenshot is larger than " + settings.screenshotMaxBytes() + " bytes", false);
            }
            return cpu.run(data.length(), () -> Base64.getDecoder().decode(data));
        });
    }

    /** The main document's status and headers with the serialized DOM as body (UTF-8 HTML, whatever the target sent). */
    private FetchResult answer(byte[] html, String finalUrl) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        Integer code;
        synchronized (this) {
            code = status;
            if (documentHeaders != null) {
                for (Map.Entry<String, Object> header : documentHeaders) {
                    List<String> values = headers.computeIfAbsent(header.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>());
                    values.addAll(List.of(String.valueOf(header.getValue()).split("\n")));
                }
            }
        }
        if (code == null) {
            throw new RenderFailure("navigation_failed", "the page's document got no response", true);
        }
        headers.keySet().removeAll(List.of("content-length", "content-encoding", "transfer-encoding"));
        headers.put("content-type", List.of("text/html; charset=utf-8"));
        headers.put("sa-final-url", List.of(finalUrl));
        return new FetchResult.Answer(code, headers, html, finalUrl);
    }

    private void onEvent(JsonObject event) {
        JsonObject params = event.getJsonObject("params");
        switch (event.getString("method")) {
            case "Page.loadEventFired" -> loaded.complete(null);
            case "Page.frameAttached" -> ownFrame(params.getValue("frameId") instanceof String frame ? frame : null);
            case "Page.javascriptDialogOpening" -> cdp.fire(sessionId, "Page.handleJavaScriptDialog", new JsonObject().put("accept", false));
            case "Inspector.targetCrashed" -> end(new RenderFailure("renderer_crashed", "the page crashed its renderer", true));
            case "Network.requestWillBeSent" -> requestStarted(params);
            case "Network.responseReceived" -> responseReceived(params);
            case "Network.dataReceived" -> dataReceived(params);
            case "Network.loadingFinished", "Network.loadingFailed" -> requestEnded(params);
            default -> { }
        }
    }

    private void requestStarted(JsonObject params) {
        RenderFailure tooMany = null;
        synchronized (this) {
            lastActivity = System.nanoTime();
            if (params.getValue("requestId") instanceof String id) {
                inFlight.add(id);
            }
            if (++requests > settings.maxRequestsPerPage()) {
                tooMany = new RenderFailure("page_too_large", "the page made more than " + settings.maxRequestsPerPage() + " requests", false);
            }
        }
        if (tooMany != null) {
            end(tooMany);
        }
    }

    private synchronized void responseReceived(JsonObject params) {
        lastActivity = System.nanoTime();
        if ("Document".equals(params.getValue("type")) && targetId != null && targetId.equals(params.getValue("frameId"))
                && params.getValue("response") instanceof JsonObject response && response.getValue("status") instanceof Number code) {
            status = code.intValue();
            documentHeaders = response.getValue("headers") instanceof JsonObject h ? h : new JsonObject();
        }
    }

    private void dataReceived(JsonObject params) {
        RenderFailure tooLarge = null;
        synchronized (this) {
            lastActivity = System.nanoTime();
            bytes += params.getValue("dataLength") instanceof Number n ? Math.max(0, n.longValue()) : 0;
            if (bytes > settings.maxBytesPerPage()) {
                tooLarge = new RenderFailure("page_too_large", "the page downloaded more than " + settings.maxBytesPerPage() + " bytes", false);
            }
        }
        if (tooLarge != null) {
            end(tooLarge);
        }
    }

    private synchronized void requestEnded(JsonObject params) {
        lastActivity = System.nanoTime();
        inFlight.remove(params.getValue("requestId"));
    }

    private Uni<JsonObject> page(String method) {
        return page(method, new JsonObject());
    }

    private Uni<JsonObject> page(String method, JsonObject params) {
        return cdp.send(sessionId, method, params);
    }

    /** The value of a script in the page; a script that throws (an invalid selector) fails the attempt for good. */
    private Uni<Object> evaluate(String expression) {
        return page("Runtime.evaluate", new JsonObject().put("expression", expression).put("returnByValue", true))
                .map(evaluated -> {
                    if (evaluated.getValue("exceptionDetails") instanceof JsonObject details) {
                        String text = details.getValue("exception") instanceof JsonObject e && e.getValue("description") instanceof String d
                                ? d : String.valueOf(details.getValue("text"));
                        throw new RenderFailure("invalid_selector", text, false);
                    }
                    JsonObject result = evaluated.getValue("result") instanceof JsonObject r ? r : new JsonObject();
                    return result.getValue("value");
                });
    }

    private Uni<Void> poll(long everyMillis, java.util.function.BooleanSupplier done) {
        return Uni.createFrom().emitter(emitter -> {
            Runnable[] check = new Runnable[1];
            check[0] = () -> {
                if (isEnded()) {
                    return;
                }
                if (done.getAsBoolean()) {
                    emitter.complete(null);
                } else {
                    vertx.setTimer(everyMillis, id -> check[0].run());
                }
            };
            check[0].run();
        });
    }

    /** Names the phase a timeout would interrupt; a step after the render ended does nothing. */
    private <T> Uni<T> step(String name, Uni<T> work) {
        synchronized (this) {
            if (ended) {
                return Uni.createFrom().failure(new RenderFailure("ended", "the render has ended", false));
            }
            phase = name;
        }
        return work;
    }

    private synchronized boolean isEnded() {
        return ended;
    }

    private synchronized RenderFailure timedOut(long millis) {
        if (phase.equals("waiting for the selector")) {
            return new RenderFailure("selector_not_found", "'" + request.waitForSelector() + "' matched nothing within " + millis + " ms", true);
        }
        return new RenderFailure("timeout", "the render was still " + phase + " after " + millis + " ms", true);
    }

    private void finish(RenderedPage page) {
        if (close()) {
            outcome.complete(page);
        }
    }

    private void end(Throwable failure) {
        if (close()) {
            outcome.completeExceptionally(failure);
        }
    }

    /** Ends the render once: stops listening and disposes the context (closing its page). False when it had ended. */
    private boolean close() {
        synchronized (this) {
            if (ended) {
                return false;
            }
            ended = true;
            vertx.cancelTimer(timer);
            if (sessionId != null) {
                cdp.forget(sessionId);
            }
            frames.forEach(proxyAuth::forget);
            dispose();
        }
        egress.forget(route);
        cdp.removeCloseHandler(this);
        loaded.cancel(false);
        return true;
    }

    private void dispose() {
        if (contextId != null && cdp.isOpen()) {
            cdp.fire(CdpConnection.BROWSER, "Target.disposeBrowserContext", new JsonObject().put("browserContextId", contextId));
        }
    }
}
