package dev.asyncgateway.callback;

import dev.asyncgateway.store.Account;
import dev.asyncgateway.store.AccountRepository;
import dev.asyncgateway.common.ApiKeys;
import dev.asyncgateway.common.ClientError;
import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.store.ProjectWebhook;
import dev.asyncgateway.store.ProjectWebhookRepository;
import dev.asyncgateway.common.SecretsAtRest;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
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
    AccountRepository accounts;

    @Inject
    ProjectWebhookRepository projects;

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

    @WithTransaction
    public Uni<WebhookSettings> replaceAccount(UUID accountId, WebhookSettings settings) {
        return accounts.findById(accountId).map(account -> {
            account.webhookUrl = secrets.sealUrl(settings.url());
            account.webhookHeaders = headers.write(settings.headers());
            account.webhookEncoding = settings.encoding();
            account.notificationUrl = secrets.sealUrl(settings.notificationUrl());
            return settings(account);
        });
    }

    /** The current signing secret as receivers use it: {@code whsec_} + base64. */
    @WithSession
    public Uni<String> secret(UUID accountId) {
        return accounts.findById(accountId).map(account -> CallbackSigner.SECRET_PREFIX + secrets.open(account.webhookSecret));
    }

    /** A new signing secret; the old one keeps signing alongside it for {@code gateway.callback.secret-rotation-overlap}. */
    @WithTransaction
    public Uni<String> rotateSecret(UUID accountId) {
        return accounts.findById(accountId).map(account -> {
            account.previousWebhookSecret = account.webhookSecret;
            account.previousSecretUntil = OffsetDateTime.now().plus(config.callback().secretRotationOverlap());
            String secret = ApiKeys.newWebhookSecret();
            account.webhookSecret = secrets.seal(secret);
            return CallbackSigner.SECRET_PREFIX + secret;
        });
    }

    @WithSession
    public Uni<WebhookSettings> project(UUID accountId, String project) {
        return projects.findById(new ProjectWebhook.Key(accountId, project))
                .onItem().ifNull().failWith(() -> ClientError.notFound("project '" + project + "' has no webhook"))
                .map(webhook -> new WebhookSettings(secrets.openUrl(webhook.url), headers.read(webhook.headers), webhook.encoding,
                        null));
    }

    @WithTransaction
    public Uni<ProjectSettings> replaceProject(UUID accountId, String project, WebhookSettings settings) {
        return projects.findById(new ProjectWebhook.Key(accountId, project)).chain(existing -> {
            ProjectWebhook webhook = existing != null ? existing : new ProjectWebhook();
            webhook.accountId = accountId;
            webhook.project = project;
            webhook.url = secrets.sealUrl(settings.url());
            webhook.headers = headers.write(settings.headers());
            webhook.encoding = settings.encoding();
            webhook.updatedAt = OffsetDateTime.now();
            ProjectSettings result = new ProjectSettings(settings, existing == null);
            return existing != null ? Uni.createFrom().item(result) : projects.persist(webhook).replaceWith(result);
        });
    }

    @WithTransaction
    public Uni<Void> deleteProject(UUID accountId, String project) {
        return projects.deleteById(new ProjectWebhook.Key(accountId, project)).invoke(deleted -> {
            if (!deleted) {
                throw ClientError.notFound("project '" + project + "' has no webhook");
            }
        }).replaceWithVoid();
    }

    private WebhookSettings settings(Account account) {
        return new WebhookSettings(secrets.openUrl(account.webhookUrl), headers.read(account.webhookHeaders),
                account.webhookEncoding, secrets.openUrl(account.notificationUrl));
    }
}
