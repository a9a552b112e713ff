package dev.asyncgateway.callback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.asyncgateway.common.ClientError;
import dev.asyncgateway.common.CredentialMask;
import dev.asyncgateway.outbound.FetchResult;
import dev.asyncgateway.outbound.OutboundUrlPolicy;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Sends one signed {@code webhook-test} event to a URL right away and answers what the receiver said: for
 * checking a receiver (its signature verification, its firewall) from the console. Nothing is queued or stored;
 * the request goes through {@link DeliverySender}, so the URL policy, the timeout and the body cap of real
 * deliveries apply.
 */
@ApplicationScoped
public class WebhookTestSender {

    public static final String EVENT_TYPE = "webhook-test";

    @Inject
    DeliverySender sender;

    @Inject
    WebhookSettingsService settings;

    @Inject
    OutboundUrlPolicy urlPolicy;

    @Inject
    ObjectMapper json;

    public Uni<FetchResult> send(UUID accountId, String url) {
        if (url == null || url.isBlank()) {
            throw ClientError.invalid("'url' is required", "url");
        }
        String trimmed = url.trim();
        urlPolicy.requireAllowed(trimmed, OutboundUrlPolicy.Use.CALLBACK, "url");
        if (URI.create(trimmed).getRawUserInfo() != null) {
            throw ClientError.invalid("test a URL without credentials in it", "url");
        }
        return settings.secret(accountId).chain(secret -> sender.send(request(accountId, trimmed, secret)));
    }

    private DeliveryRequest request(UUID accountId, String url, String secret) {
        ObjectNode data = json.createObjectNode().put("message", "a test event sent from the console");
        DeliveryRequestBuilder.Event event = new DeliveryRequestBuilder.Event(EVENT_TYPE, data, accountId,
                OffsetDateTime.now(ZoneOffset.UTC));
        byte[] body = write(event).getBytes(StandardCharsets.UTF_8);
        String webhookId = DeliveryRequestBuilder.webhookId(UUID.randomUUID());
        long timestamp = Instant.now().getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("webhook-id", webhookId);
        headers.put("webhook-timestamp", Long.toString(timestamp));
        headers.put("webhook-signature", CallbackSigner.signature(webhookId, timestamp, body,
                List.of(secret.substring(CallbackSigner.SECRET_PREFIX.length()))));
        return new DeliveryRequest(url, CredentialMask.url(url), headers, body);
    }

    private String write(Object document) {
        try {
            return json.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("API records always encode", e);
        }
    }
}
