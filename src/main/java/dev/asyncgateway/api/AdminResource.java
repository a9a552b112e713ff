package dev.asyncgateway.api;

import dev.asyncgateway.account.AccountService;
import dev.asyncgateway.common.ClientError;
import dev.asyncgateway.queue.DrainReport;
import dev.asyncgateway.queue.DueWorkDrain;
import dev.asyncgateway.callback.SecretReEncryption;
import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/** Operator endpoints, guarded by GATEWAY_ADMIN_TOKEN; without it they answer 404 (see {@link ErrorMapper}). */
@Path("/admin")
@Produces(MediaType.APPLICATION_JSON)
@SecurityScheme(securitySchemeName = ApiExamples.ADMIN_TOKEN, type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "GATEWAY_ADMIN_TOKEN")
@Tag(name = "Admin", description = "Operator endpoints; they exist only when GATEWAY_ADMIN_TOKEN is set")
@RolesAllowed(Identities.ADMIN)
public class AdminResource {

    private static final int NAME_MAX_LENGTH = 200;

    @Inject
    AccountService accounts;

    @Inject
    JsonBodies bodies;

    @Inject
    DueWorkDrain dueWork;

    @Inject
    SecretReEncryption secretReEncryption;

    /** Creates an account; its API key is in this answer and nowhere else. */
    @Operation(summary = "Create an account",
            description = "Its API key is in this answer and nowhere else (stored only as a SHA-256 hash).")
    @SecurityRequirement(name = ApiExamples.ADMIN_TOKEN)
    @RequestBody(required = true, description = "name: 1 to 200 characters",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT),
                    examples = @ExampleObject(name = "example", value = ApiExamples.CREATE_ACCOUNT)))
    @APIResponse(responseCode = "201", description = "The new account with its API key",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AccountService.CreatedAccount.class),
                    examples = @ExampleObject(name = "example", value = ApiExamples.CREATED_ACCOUNT)))
    @APIResponse(responseCode = "401", description = "Missing or wrong admin token",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class),
                    examples = @ExampleObject(name = "error", value = ApiExamples.UNAUTHORIZED)))
    @POST
    @Path("accounts")
    @Consumes(MediaType.WILDCARD)
    public Uni<RestResponse<AccountService.CreatedAccount>> createAccount(String body) {
        JsonNode name = bodies.parse(body).get("name");
        if (name == null || !name.isTextual() || name.asText().isBlank() || name.asText().length() > NAME_MAX_LENGTH
                || name.asText().chars().anyMatch(Character::isISOControl)) {
            throw ClientError.invalid("'name' must be a non-empty string of at most " + NAME_MAX_LENGTH
                    + " characters, without control characters", "name");
        }
        return accounts.create(name.asText().trim()).map(created -> RestResponse.status(RestResponse.Status.CREATED, created));
    }

    /** Keeps this instance working until no job or delivery is due (for a scheduler on request-only-CPU platforms). */
    @Operation(summary = "Work off due jobs and deliveries",
            description = "Keeps the request open while this instance claims and runs due work, until none "
                    + "is due or GATEWAY_RUNNER_DRAIN_MAX_DURATION has passed. For platforms that give "
                    + "CPU only during requests: call it from a scheduler.")
    @SecurityRequirement(name = ApiExamples.ADMIN_TOKEN)
    @APIResponse(responseCode = "200", description = "What was left when it returned",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DrainReport.class),
                    examples = @ExampleObject(name = "example", value = ApiExamples.DRAINED)))
    @APIResponse(responseCode = "409", description = "This instance runs no jobs (GATEWAY_RUNNER_ENABLED=false)")
    @POST
    @Path("drain")
    @Consumes(MediaType.WILDCARD)
    public Uni<DrainReport> drain() {
        return dueWork.drain();
    }

    /** Re-encrypts stored secrets under the newest key of GATEWAY_SECRETS_KEY (after adding a key, before dropping one). */
    @Operation(summary = "Re-encrypt stored secrets under the newest key",
            description = "Webhook signing secrets, custom webhook header values and passwords in callback URLs that "
                    + "are stored in clear or under an older key of GATEWAY_SECRETS_KEY are encrypted again under its "
                    + "first key. Once a run reports changedMeanwhile 0 and unreadable 0, the older keys can be dropped. "
                    + "Safe to run again.")
    @SecurityRequirement(name = ApiExamples.ADMIN_TOKEN)
    @APIResponse(responseCode = "200", description = "What was re-encrypted, in rows",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SecretReEncryption.Report.class),
                    examples = @ExampleObject(name = "example", value = ApiExamples.RE_ENCRYPTED)))
    @APIResponse(responseCode = "401", description = "Missing or wrong admin token",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class),
                    examples = @ExampleObject(name = "error", value = ApiExamples.UNAUTHORIZED)))
    @APIResponse(responseCode = "409", description = "GATEWAY_SECRETS_KEY is not set",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @POST
    @Path("secrets/re-encrypt")
    @Consumes(MediaType.WILDCARD)
    public Uni<SecretReEncryption.Report> reEncryptSecrets() {
        return secretReEncryption.reEncryptAll();
    }
}
