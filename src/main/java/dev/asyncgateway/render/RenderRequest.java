package dev.asyncgateway.render;

import dev.asyncgateway.outbound.ProxyPool;

import java.util.Optional;

/**
 * One page to render.
 *
 * @param url             the job's target
 * @param userAgent       the User-Agent the page is loaded with
 * @param mobile          a mobile viewport with touch (with a mobile {@code userAgent})
 * @param waitForSelector a CSS selector that must match before the DOM is taken, or null
 * @param screenshot      take a full-page PNG
 * @param proxy           the proxy all of the page's traffic goes through (the proxy pool's choice), or none: the
 *                        browser connects directly
 */
public record RenderRequest(String url, String userAgent, boolean mobile, String waitForSelector, boolean screenshot,
                            Optional<ProxyPool.Proxy> proxy) {
}
