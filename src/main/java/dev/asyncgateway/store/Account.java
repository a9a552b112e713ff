package dev.asyncgateway.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

/** An account: owns jobs and webhook settings. Its API key is kept only as a SHA-256 hash. */
@Entity
@Table(name = "account")
public class Account {

    @Id
    public UUID id;

    @Column(columnDefinition = "text")
    public String name;

    @Column(name = "api_key_hash")
    public byte[] apiKeyHash;

    /** Base64 of the HMAC key that signs this account's webhooks (shown to users as {@code whsec_...}); stored sealed. */
    @Column(name = "webhook_secret", columnDefinition = "text")
    public String webhookSecret;

    /** The secret before the last rotation; it keeps signing alongside the new one until {@link #previousSecretUntil}. */
    @Column(name = "previous_webhook_secret", columnDefinition = "text")
    public String previousWebhookSecret;

    @Column(name = "previous_secret_until")
    public OffsetDateTime previousSecretUntil;

    @Column(name = "webhook_url", columnDefinition = "text")
    public String webhookUrl;

    /** JSON array of {@code {"key","value"}} headers sent with every callback; values stored sealed. */
    @Column(name = "webhook_headers", columnDefinition = "text")
    public String webhookHeaders;

    @Column(name = "webhook_encoding", columnDefinition = "text")
    public String webhookEncoding;

    @Column(name = "notification_url", columnDefinition = "text")
    public String notificationUrl;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;
}
