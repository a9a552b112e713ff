package dev.asyncgateway.callback;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A custom header of a webhook, in the {@code {"key","value"}} shape of the settings API and the database. */
@RegisterForReflection
public record WebhookHeader(String key, String value) {
}
