package dev.asyncgateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/**
 * The headless browser behind {@code apiParams.render}, {@code wait_for_selector} and {@code screenshot}. A browser is
 * available when {@link #browserUrl()} or {@link #chromium()} is set, or when {@link #enabled()} is true and a Chromium
 * is found on {@code PATH}; otherwise those parameters are refused as before.
 */
@ConfigMapping(prefix = "gateway.render")
public interface RenderConfig {

    /** Look for a Chromium on {@code PATH} ({@code chromium}, {@code chromium-browser}, {@code google-chrome}, {@code headless_shell}) and start it. */
    @WithDefault("false")
    boolean enabled();

    /** Path of the Chromium executable the gateway starts and supervises (restarted when it dies). */
    Optional<String> chromium();

    /**
     * A browser service reached over the DevTools protocol instead of a local Chromium: its browser WebSocket URL
     * ({@code ws://browser:9222/devtools/browser/...}) or its HTTP base ({@code http://browser:9222}), whose
     * {@code /json/version} names that WebSocket URL. Takes precedence over {@link #chromium()}.
     */
    Optional<String> browserUrl();

    /** Pages rendered at once on this instance; further renders wait in their own queue, never in fetch slots. */
    @WithDefault("2")
    int concurrency();

    /**
     * Renders that may wait for a page; past it an attempt is retried later (fail kind {@code render_queue_full}).
     * A waiting render holds only its job's lease and request in memory, and may wait up to its job's deadline.
     */
    @WithDefault("256")
    int queueMax();

    /** How long the network must stay quiet after the load event before the DOM is taken. */
    @WithDefault("500ms")
    Duration networkIdle();

    /**
     * Longest wait for that quiet moment: a page that polls or streams for ever is taken as it is then.
     */
    @WithDefault("10s")
    Duration networkIdleMaxWait();

    /** Most requests one page may make (its document, subresources, redirects); more fails the attempt ({@code page_too_large}). */
    @WithDefault("500")
    int maxRequestsPerPage();

    /** Most bytes one page may download over all its requests; more fails the attempt ({@code page_too_large}). */
    @WithDefault("52428800")
    long maxBytesPerPage();

    /** Largest full-page PNG kept; a larger screenshot fails the attempt ({@code screenshot_too_large}). */
    @WithDefault("5242880")
    int screenshotMaxBytes();

    /** Tallest full-page screenshot, in CSS pixels; a longer page is cut there. */
    @WithDefault("16384")
    int screenshotMaxHeight();

    /**
     * Largest JavaScript heap of a page, in MiB ({@code --js-flags=--max-old-space-size} of the local Chromium; a
     * browser service sets its own): a page that wants more crashes its renderer (retried) instead of taking the
     * machine's memory.
     */
    @WithDefault("512")
    int pageHeapMb();

    /** How long a local Chromium may take to start and open its DevTools port. */
    @WithDefault("30s")
    Duration startTimeout();

    /** Largest DevTools message accepted from the browser (a screenshot travels as one base64 message). */
    @WithDefault("33554432")
    int maxMessageBytes();

    /**
     * Address the egress proxy listens on: the one way the browser reaches the network. Loopback by default, which
     * suits a local Chromium and a browser service in the same network namespace (a sidecar in the same pod); a
     * browser service elsewhere needs an address it can reach (and {@link #egressAdvertisedHost()}).
     */
    @WithDefault("127.0.0.1")
    String egressBindHost();

    /** Port of the egress proxy; 0 lets the kernel choose one. */
    @WithDefault("0")
    int egressPort();

    /** Host the browser is told to reach the egress proxy at, when it differs from the bind address (a service name). */
    Optional<String> egressAdvertisedHost();

    /** Longest request line, and largest header block, the egress proxy reads from the browser. */
    @WithDefault("16384")
    int egressMaxHeaderBytes();

    /** A tunnel or forwarded request without a byte either way for this long is closed, on both sides. */
    @WithDefault("30s")
    Duration egressIdleTimeout();

    /** Connections (tunnels and plain requests) one render's browser context may have open through the egress proxy at once. */
    @WithDefault("64")
    int egressMaxConnectionsPerContext();
}
