package dev.asyncgateway.callback;

import dev.asyncgateway.common.ApiKeys;
import dev.asyncgateway.common.ClientError;
import dev.asyncgateway.common.SecretsAtRest;
import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.store.Account;
import dev.asyncgateway.store.AccountStore;
import dev.asyncgateway.store.ProjectWebhook;
import dev.asyncgateway.store.ProjectWebhookStore;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Reads and changes webhook settings: the account's (with its signing secret) and its projects'. Secrets are
 * sealed here before they are stored and opened here when read (see {@link SecretsAtRest}); header values are
 * sealed by {@link WebhookHeaderCodec}.
 */
@ApplicationScoped
public class WebhookSettingsService {

    @Inject
    AccountStore accounts;

    @Inject
    ProjectWebhookStore projects;

    @Inject
    WebhookHeaderCodec headers;

    @Inject
    GatewayConfig config;

    @Inject
    SecretsAtRest secrets;

    /** A project's settings, and whether this PUT created them. */
    public record ProjectSettings(WebhookSettings settings, boolean created) {
    }

    @WithSession
    public Uni<WebhookSettings> account(UUID accountId) {
        return accounts.findById(accountId).map(this::settings);
    }

    public Uni<WebhookSettings> replaceAccount(UUID accountId, WebhookSettings settings) {
        String url = secrets.sealUrl(settings.url());
        String headersJson = headers.write(settings.headers());
        String notificationUrl = secrets.sealUrl(settings.notificationUrl());
        return accounts.replaceWebhook(accountId, url, headersJson, settings.encoding(), notificationUrl)
                .map(ignored -> settings(url, headersJson, settings.encoding(), notificationUrl));
    }

    /** The current signing secret as receivers use it: {@code whsec_} + base64. */
    @WithSession
    public Uni<String> secret(UUID accountId) {
        return accounts.findById(accountId).map(account -> CallbackSigner.SECRET_PREFIX + secrets.open(account.webhookSecret));
    }

    /** A new signing secret; the old one keeps signing alongside it for {@code gateway.callback.secret-rotation-overlap}. */
    public Uni<String> rotateSecret(UUID accountId) {
        String secret = ApiKeys.newWebhookSecret();
        return accounts.rotateSecret(accountId, secrets.seal(secret),
                        OffsetDateTime.now().plus(config.callback().secretRotationOverlap()))
                .map(ignored -> CallbackSigner.SECRET_PREFIX + secret);
    }

    @WithSession
    public Uni<WebhookSettings> project(UUID accountId, String project) {
        return projects.findById(new ProjectWebhook.Key(accountId, project))
                .onItem().ifNull().failWith(() -> ClientError.notFound("project '" + project + "' has no webhook"))
                .map(webhook -> new WebhookSettings(secrets.openUrl(webhook.url), headers.read(webhook.headers), webhook.encoding,
                        null));
    }

    public Uni<ProjectSettings> replaceProject(UUID accountId, String project, WebhookSettings settings) {
        return projects.upsert(accountId, project, secrets.sealUrl(settings.url()), headers.write(settings.headers()),
                        settings.encoding())
                .map(created -> new ProjectSettings(settings, created));
    }

    public Uni<Void> deleteProject(UUID accountId, String project) {
        return projects.delete(accountId, project).invoke(deleted -> {
            if (!deleted) {
                throw ClientError.notFound("project '" + project + "' has no webhook");
            }
        }).replaceWithVoid();
    }

    private WebhookSettings settings(Account account) {
        return settings(account.webhookUrl, account.webhookHeaders, account.webhookEncoding, account.notificationUrl);
    }

    /** The settings as a read of the stored columns gives them back. */
    private WebhookSettings settings(String sealedUrl, String headersJson, String encoding, String sealedNotificationUrl) {
        return new WebhookSettings(secrets.openUrl(sealedUrl), headers.read(headersJson), encoding,
                secrets.openUrl(sealedNotificationUrl));
    }
}
