package dev.asyncgateway.callback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.asyncgateway.common.CredentialMask;
import dev.asyncgateway.common.SecretsAtRest;
import dev.asyncgateway.job.JobView;
import dev.asyncgateway.store.ClaimedDelivery;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Turns a claimed delivery into its HTTP request: the body (the job exactly as its statusUrl shows it
 * now, or an event envelope), encoded as JSON or as a form, the custom headers, Basic auth from the URL,
 * and the Standard Webhooks headers. The {@code webhook-id} is derived from the delivery, so it is the
 * same on every attempt and receivers can de-duplicate on it.
 */
@ApplicationScoped
public class DeliveryRequestBuilder {

    @Inject
    ObjectMapper json;

    @Inject
    WebhookHeaderCodec headerCodec;

    @Inject
    SecretsAtRest secrets;

    @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev")
    String version;

    /** The envelope of every account notification. */
    @RegisterForReflection
    public record Event(String eventType, ObjectNode eventData, UUID accountId, OffsetDateTime createdAt) {
    }

    public static String webhookId(UUID deliveryId) {
        return "msg_" + deliveryId.toString().replace("-", "");
    }

    public DeliveryRequest build(ClaimedDelivery delivery) {
        boolean form = WebhookSettings.FORM.equals(delivery.encoding());
        String document = write(delivery.isCallback() ? JobView.of(delivery.job()) : event(delivery));
        byte[] body = (form ? FormEncoder.encode(parse(document)) : document).getBytes(StandardCharsets.UTF_8);

        Map<String, String> headers = new LinkedHashMap<>();
        for (WebhookHeader header : headerCodec.read(delivery.headers())) {
            headers.put(header.key(), header.value());
        }
        String url = secrets.openUrl(delivery.url());
        URI uri = URI.create(url);
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            // URI decodes percent-escapes as RFC 3986 does; URLDecoder is form decoding and would turn '+' into a space.
            headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    uri.getUserInfo().getBytes(StandardCharsets.UTF_8)));
            // The user info directly follows the scheme, so its first occurrence is the one to drop.
            int at = url.indexOf(userInfo + "@");
            url = url.substring(0, at) + url.substring(at + userInfo.length() + 1);
        }
        String webhookId = webhookId(delivery.id());
        long timestamp = Instant.now().getEpochSecond();
        headers.put("Content-Type", form ? "application/x-www-form-urlencoded" : "application/json");
        headers.put("User-Agent", "async-job-gateway/" + version + " (webhooks)");
        headers.put("webhook-id", webhookId);
        headers.put("webhook-timestamp", Long.toString(timestamp));
        headers.put("webhook-signature", CallbackSigner.signature(webhookId, timestamp, body, secrets.openAll(delivery.secrets())));
        return new DeliveryRequest(url, CredentialMask.url(delivery.url()), headers, body);
    }

    /** The callback URL inside a {@code callback-failed} event is shown the way the job shows it: password masked. */
    private Event event(ClaimedDelivery delivery) {
        ObjectNode data = (ObjectNode) parse(delivery.payload());
        if (data.hasNonNull("callbackUrl")) {
            data.put("callbackUrl", CredentialMask.url(data.get("callbackUrl").asText()));
        }
        return new Event(delivery.kind(), data, delivery.accountId(), delivery.createdAt());
    }

    /** Serialised by the app's ObjectMapper, exactly as the API serialises it. */
    private String write(Object document) {
        try {
            return json.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("API records always encode", e);
        }
    }

    private JsonNode parse(String storedJson) {
        try {
            return json.readTree(storedJson);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored and rendered documents are always valid JSON", e);
        }
    }
}
