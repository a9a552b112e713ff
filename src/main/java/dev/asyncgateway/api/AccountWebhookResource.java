package dev.asyncgateway.api;

import dev.asyncgateway.callback.WebhookSettingsParser;
import dev.asyncgateway.callback.WebhookSettingsService;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The account's webhook settings and its signing secret (account key required). */
@Path("/account/webhook")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Webhooks", description = "Where callbacks go, and the secret that signs them")
@RolesAllowed(Identities.ACCOUNT)
public class AccountWebhookResource {

    @Inject
    WebhookSettingsService settings;

    @Inject
    WebhookSettingsParser parser;

    @Inject
    JsonBodies bodies;

    @Inject
    SecurityIdentity identity;

    /** The signing secret in the form Standard Webhooks libraries take. */
    @RegisterForReflection
    public record Secret(String secret) {
    }

    @Operation(summary = "Read the account webhook",
            description = "URL passwords and header values are masked.")
    @SecurityRequirement(name = ApiExamples.API_KEY)
    @APIResponse(responseCode = "200", description = "The settings",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AccountWebhookView.class),
                    examples = @ExampleObject(name = "example", value = ApiExamples.ACCOUNT_WEBHOOK_VIEW)))
    @GET
    public Uni<AccountWebhookView> get() {
        return settings.account(Identities.accountId(identity))
                .map(AccountWebhookView::of);
    }

    @Operation(summary = "Replace the account webhook",
            description = "Replaces every field; a missing field is cleared.")
    @SecurityRequirement(name = ApiExamples.API_KEY)
    @RequestBody(required = true, description = "url, headers [{key,value}], encoding json|form, notificationUrl",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT),
                    examples = @ExampleObject(name = "example", value = ApiExamples.ACCOUNT_WEBHOOK)))
    @APIResponse(responseCode = "200", description = "The settings as stored",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AccountWebhookView.class),
                    examples = @ExampleObject(name = "example", value = ApiExamples.ACCOUNT_WEBHOOK_VIEW)))
    @APIResponse(responseCode = "400", description = "Bad settings; nothing is stored",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class),
                    examples = @ExampleObject(name = "error", value = ApiExamples.INVALID)))
    @PUT
    @Consumes(MediaType.WILDCARD)
    public Uni<AccountWebhookView> replace(String body) {
        var parsed = parser.parse(bodies.parse(body), true);
        return settings.replaceAccount(Identities.accountId(identity), parsed)
                .map(AccountWebhookView::of);
    }

    @Operation(summary = "Read the signing secret",
            description = "In the whsec_ form Standard Webhooks libraries take.")
    @SecurityRequirement(name = ApiExamples.API_KEY)
    @APIResponse(responseCode = "200", description = "The secret",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Secret.class),
                    examples = @ExampleObject(name = "example", value = ApiExamples.SECRET)))
    @GET
    @Path("secret")
    public Uni<Secret> secret() {
        return settings.secret(Identities.accountId(identity)).map(Secret::new);
    }

    @Operation(summary = "Rotate the signing secret",
            description = "The previous secret keeps signing alongside the new one for "
                    + "GATEWAY_CALLBACK_SECRET_ROTATION_OVERLAP.")
    @SecurityRequirement(name = ApiExamples.API_KEY)
    @APIResponse(responseCode = "200", description = "The new secret",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Secret.class),
                    examples = @ExampleObject(name = "example", value = ApiExamples.SECRET)))
    @POST
    @Path("secret/rotate")
    public Uni<Secret> rotateSecret() {
        return settings.rotateSecret(Identities.accountId(identity)).map(Secret::new);
    }
}
