package dev.asyncgateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.asyncgateway.callback.CallbackService;
import dev.asyncgateway.store.DeliveryAttempt;
import dev.asyncgateway.job.JobView;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import java.util.List;
import java.util.UUID;

/** A job's callback for its owner: the log of every attempt, and a manual retry. */
@Path("/jobs/{id}/callback")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Webhooks", description = "Where callbacks go, and the secret that signs them")
@RolesAllowed(Identities.ACCOUNT)
public class CallbackResource {

    @Inject
    CallbackService callbacks;

    @Inject
    SecurityIdentity identity;

    /** Every HTTP attempt of the job's callback deliveries, oldest first; {@code traceId} when the job is traced. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AttemptLog(UUID jobId, String traceId, List<DeliveryAttempt> attempts) {
    }

    @Operation(summary = "Read a job's callback attempts",
            description = "Every HTTP attempt of the job callback deliveries, oldest first, with the start "
                    + "of each answer.")
    @SecurityRequirement(name = ApiExamples.API_KEY)
    @APIResponse(responseCode = "200", description = "The attempt log",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AttemptLog.class),
                    examples = @ExampleObject(name = "example", value = ApiExamples.ATTEMPTS)))
    @APIResponse(responseCode = "404", description = "No such job of this account",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class),
                    examples = @ExampleObject(name = "error", value = ApiExamples.JOB_NOT_FOUND)))
    @GET
    @Path("attempts")
    public Uni<AttemptLog> attempts(@PathParam("id") String id) {
        UUID jobId = JobIds.parse(id);
        return callbacks.attempts(jobId, Identities.accountId(identity))
                .map(log -> new AttemptLog(jobId, log.traceId(), log.attempts()));
    }

    /** Queues a fresh delivery; 202 with the job, whose callback is pending again. */
    @Operation(summary = "Send a job's callback again",
            description = "Queues a fresh delivery of an ended job to where its callback goes now.")
    @SecurityRequirement(name = ApiExamples.API_KEY)
    @APIResponse(responseCode = "202", description = "Queued; the job with its callback pending again",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class),
                    examples = @ExampleObject(name = "example", value = ApiExamples.SUBMITTED)))
    @APIResponse(responseCode = "404", description = "No such job of this account",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class),
                    examples = @ExampleObject(name = "error", value = ApiExamples.JOB_NOT_FOUND)))
    @POST
    @Path("retry")
    public Uni<RestResponse<JobView>> retry(@PathParam("id") String id) {
        return callbacks.retry(JobIds.parse(id), Identities.accountId(identity))
                .map(job -> RestResponse.status(RestResponse.Status.ACCEPTED, JobView.of(job)));
    }
}
