package dev.asyncgateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.asyncgateway.callback.WebhookSettings;
import dev.asyncgateway.callback.WebhookSettingsParser;
import dev.asyncgateway.callback.WebhookSettingsService;
import dev.asyncgateway.common.ClientError;
import dev.asyncgateway.job.JobRequestParser;
import io.smallrye.mutiny.Uni;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import java.util.List;
import java.util.UUID;

/**
 * Human Lambdas' queue webhook, {@code /orgs/{org}/queues/{queue}/webhook} with {@code {"target": url}}, served as an
 * alias of the project webhook: the queue is the project, the API key decides the account, and {@code {org}} is only a
 * path segment (any value reaches the key's own account). {@code {"target": ""}} removes the webhook; {@code PATCH}
 * changes only the fields it gives.
 */
@Path("/orgs/{org}/queues/{queue}/webhook")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Webhooks", description = "Where callbacks go, and the secret that signs them")
@RolesAllowed(Identities.ACCOUNT)
public class QueueWebhookResource {

    @Inject
    WebhookSettingsService settings;

    @Inject
    WebhookSettingsParser parser;

    @Inject
    JsonBodies bodies;

    @Inject
    ObjectMapper json;

    @Inject
    SecurityIdentity identity;

    @Operation(summary = "Read a queue's webhook (Human Lambdas alias of the project webhook)")
    @SecurityRequirement(name = ApiExamples.API_KEY)
    @GET
    public Uni<ProjectWebhookView> get(@PathParam("queue") String queue) {
        return settings.project(Identities.accountId(identity), queue).map(found -> ProjectWebhookView.of(queue, found));
    }

    @Operation(summary = "Set a queue's webhook (Human Lambdas alias)",
            description = "{\"target\": url} sets it (201 when created, 200 when replaced); {\"target\": \"\"} removes it (204).")
    @SecurityRequirement(name = ApiExamples.API_KEY)
    @PUT
    @Consumes(MediaType.WILDCARD)
    public Uni<RestResponse<ProjectWebhookView>> replace(@PathParam("queue") String queue, String body) {
        requireQueueName(queue);
        JsonNode root = bodies.parse(body);
        if (removes(root)) {
            return remove(Identities.accountId(identity), queue);
        }
        WebhookSettings parsed = parser.parse(root, false);
        return save(Identities.accountId(identity), queue, parsed);
    }

    @Operation(summary = "Change a queue's webhook (Human Lambdas alias)",
            description = "Like PUT, keeping the fields the body does not give.")
    @SecurityRequirement(name = ApiExamples.API_KEY)
    @PATCH
    @Consumes(MediaType.WILDCARD)
    public Uni<RestResponse<ProjectWebhookView>> update(@PathParam("queue") String queue, String body) {
        requireQueueName(queue);
        JsonNode root = bodies.parse(body);
        if (removes(root)) {
            return remove(Identities.accountId(identity), queue);
        }
        if (!root.isObject()) {
            throw ClientError.invalid("the request body must be a JSON object", null);
        }
        UUID accountId = Identities.accountId(identity);
        return settings.project(accountId, queue)
                .onFailure(ClientError.class).recoverWithNull()
                .chain(existing -> save(accountId, queue, parser.parse(merged(existing, (ObjectNode) root), false)));
    }

    /** The stored settings with the fields of the body laid over them. */
    private JsonNode merged(WebhookSettings existing, ObjectNode changes) {
        ObjectNode merged = json.createObjectNode();
        if (existing != null) {
            boolean newUrl = changes.has("url") || changes.has("target") || changes.has("apiCallbackUrl");
            boolean newHeaders = changes.has("headers") || changes.has("apiCallbackHeaders");
            if (!newUrl) {
                merged.put("url", existing.url());
            }
            if (!newHeaders) {
                merged.set("headers", json.valueToTree(existing.headers()));
            }
            merged.put("encoding", existing.encoding());
        }
        merged.setAll(changes);
        return merged;
    }

    private Uni<RestResponse<ProjectWebhookView>> save(UUID accountId, String queue, WebhookSettings parsed) {
        return settings.replaceProject(accountId, queue, parsed)
                .map(saved -> RestResponse.status(saved.created() ? RestResponse.Status.CREATED : RestResponse.Status.OK,
                        ProjectWebhookView.of(queue, saved.settings())));
    }

    /** Removing a webhook that is not there is done already: 204 either way. */
    private Uni<RestResponse<ProjectWebhookView>> remove(UUID accountId, String queue) {
        return settings.deleteProject(accountId, queue)
                .onFailure(ClientError.class).recoverWithNull()
                .map(ignored -> RestResponse.noContent());
    }

    /** {@code {"target": ""}} (or {@code "url": ""}), Human Lambdas' way to remove a queue's webhook. */
    private static boolean removes(JsonNode root) {
        for (String name : List.of("target", "url")) {
            JsonNode value = root.get(name);
            if (value != null && value.isTextual() && value.asText().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private static void requireQueueName(String queue) {
        if (!JobRequestParser.PROJECT_NAME.matcher(queue).matches()) {
            throw ClientError.invalid("a queue name is 1 to 100 letters, digits, '.', '_' or '-'", "queue");
        }
    }
}
