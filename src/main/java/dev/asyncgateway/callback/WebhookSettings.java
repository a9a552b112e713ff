package dev.asyncgateway.callback;

import java.util.List;

/**
 * Validated webhook settings of an account or a project.
 *
 * @param url             where callbacks go; null for none (account only)
 * @param encoding        {@code json} or {@code form}
 * @param notificationUrl where account events go ({@code callback-failed}, {@code batch-finished}); always null for a project
 */
public record WebhookSettings(String url, List<WebhookHeader> headers, String encoding, String notificationUrl) {

    public static final String JSON = "json";
    public static final String FORM = "form";
}
