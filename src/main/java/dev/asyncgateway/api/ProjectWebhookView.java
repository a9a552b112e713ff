package dev.asyncgateway.api;

import dev.asyncgateway.common.CredentialMask;
import dev.asyncgateway.callback.WebhookHeader;
import dev.asyncgateway.callback.WebhookSettings;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/** A project's webhook settings as shown to its account, masked like {@link AccountWebhookView}. */
@RegisterForReflection
@JsonPropertyOrder({"project", "url", "target", "headers", "encoding"})
public record ProjectWebhookView(String project, String url, String target, List<WebhookHeader> headers, String encoding) {

    public static ProjectWebhookView of(String project, WebhookSettings settings) {
        String url = CredentialMask.url(settings.url());
        return new ProjectWebhookView(project, url, url, AccountWebhookView.maskedHeaders(settings), settings.encoding());
    }
}
