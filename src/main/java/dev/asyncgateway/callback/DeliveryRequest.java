package dev.asyncgateway.callback;

import java.util.Map;

/**
 * Exactly what one delivery attempt sends: a POST of {@code body} to {@code url} (credentials already
 * moved from the URL into a Basic {@code Authorization} header).
 *
 * @param shownUrl the URL with any password masked, for logs
 */
public record DeliveryRequest(String url, String shownUrl, Map<String, String> headers, byte[] body) {
}
