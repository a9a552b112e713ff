package dev.asyncgateway.api;

import dev.asyncgateway.common.ClientError;
import dev.asyncgateway.job.JobRequestParser;
import dev.asyncgateway.callback.WebhookSettingsParser;
import dev.asyncgateway.callback.WebhookSettingsService;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
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
import org.jboss.resteasy.reactive.RestResponse;

/** A project's webhook: jobs that name the project call back here unless they give their own URL. */
@Path("/projects/{project}/webhook")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Webhooks", description = "Where callbacks go, and the secret that signs them")
@RolesAllowed(Identities.ACCOUNT)
public class ProjectWebhookResource {

    @Inject
    WebhookSettingsService settings;

    @Inject
    WebhookSettingsParser parser;

    @Inject
    JsonBodies bodies;

    @Inject
    SecurityIdentity identity;

    @Operation(summary = "Read a project's webhook",
            description = "Jobs naming this project call back here unless they give their own URL.")
    @SecurityRequirement(name = ApiExamples.API_KEY)
    @APIResponse(responseCode = "200", description = "The settings",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ProjectWebhookView.class),
                    examples = @ExampleObject(name = "example", value = ApiExamples.PROJECT_WEBHOOK_VIEW)))
    @APIResponse(responseCode = "404", description = "The project has no webhook")
    @GET
    public Uni<ProjectWebhookView> get(@PathParam("project") String project) {
        return settings.project(Identities.accountId(identity), project)
                .map(found -> ProjectWebhookView.of(project, found));
    }

    /** Creates (201) or replaces (200) the project's webhook. */
    @Operation(summary = "Create or replace a project's webhook",
            description = "Answers 201 when it created the webhook, 200 when it replaced it.")
    @SecurityRequirement(name = ApiExamples.API_KEY)
    @RequestBody(required = true, description = "url required; headers and encoding optional",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT),
                    examples = @ExampleObject(name = "example", value = ApiExamples.PROJECT_WEBHOOK)))
    @APIResponse(responseCode = "200", description = "Replaced (201 when created)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ProjectWebhookView.class),
                    examples = @ExampleObject(name = "example", value = ApiExamples.PROJECT_WEBHOOK_VIEW)))
    @APIResponse(responseCode = "400", description = "Bad settings; nothing is stored",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class),
                    examples = @ExampleObject(name = "error", value = ApiExamples.INVALID)))
    @PUT
    @Consumes(MediaType.WILDCARD)
    public Uni<RestResponse<ProjectWebhookView>> replace(@PathParam("project") String project, String body) {
        if (!JobRequestParser.PROJECT_NAME.matcher(project).matches()) {
            throw ClientError.invalid("a project name is 1 to 100 letters, digits, '.', '_' or '-'", "project");
        }
        var parsed = parser.parse(bodies.parse(body), false);
        return settings.replaceProject(Identities.accountId(identity), project, parsed)
                .map(saved -> RestResponse.status(saved.created() ? RestResponse.Status.CREATED : RestResponse.Status.OK,
                        ProjectWebhookView.of(project, saved.settings())));
    }

    @Operation(summary = "Delete a project's webhook",
            description = "Its jobs fall back to the account webhook.")
    @SecurityRequirement(name = ApiExamples.API_KEY)
    @APIResponse(responseCode = "204", description = "Deleted")
    @DELETE
    public Uni<RestResponse<Void>> delete(@PathParam("project") String project) {
        return settings.deleteProject(Identities.accountId(identity), project)
                .map(ignored -> RestResponse.noContent());
    }
}
