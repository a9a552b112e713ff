package dev.asyncgateway.api;

import dev.asyncgateway.common.CredentialMask;
import dev.asyncgateway.callback.WebhookHeader;
import dev.asyncgateway.callback.WebhookSettings;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/**
 * An account's webhook settings as shown to it: canonical names plus {@code target} (the familiar alias
 * of {@code url}); passwords in URLs and header values masked.
 */
@RegisterForReflection
@JsonPropertyOrder({"url", "target", "headers", "encoding", "notificationUrl"})
public record AccountWebhookView(String url, String target, List<WebhookHeader> headers, String encoding,
                                 String notificationUrl) {

    public static AccountWebhookView of(WebhookSettings settings) {
        String url = CredentialMask.url(settings.url());
        return new AccountWebhookView(url, url, maskedHeaders(settings), settings.encoding(),
                CredentialMask.url(settings.notificationUrl()));
    }

    static List<WebhookHeader> maskedHeaders(WebhookSettings settings) {
        return settings.headers().stream()
                .map(header -> new WebhookHeader(header.key(), CredentialMask.headerValue(header.value())))
                .toList();
    }
}
