package dev.asyncgateway.render;

import dev.asyncgateway.outbound.FetchResult;

/**
 * What a render attempt got: the page as an answer (the main document's status and headers, the serialized DOM as
 * body, the URL after redirects and script navigations) or why there was none, and the screenshot when asked.
 *
 * @param screenshot a PNG, or null
 */
public record RenderedPage(FetchResult result, byte[] screenshot) {
}
