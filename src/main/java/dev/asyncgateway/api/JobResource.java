package dev.asyncgateway.api;

import dev.asyncgateway.common.ClientError;
import dev.asyncgateway.common.CpuWorkers;
import dev.asyncgateway.job.IdempotencyKey;
import dev.asyncgateway.job.JobCancellationService;
import dev.asyncgateway.job.JobPage;
import dev.asyncgateway.job.JobQueryService;
import dev.asyncgateway.job.JobSubmissionService;
import dev.asyncgateway.job.JobView;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import dev.asyncgateway.job.ScreenshotQuery;
import dev.asyncgateway.observability.JobTraces;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
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

import java.time.Duration;
import java.util.List;

/** The ScraperAPI-compatible async API: submit, poll, list and cancel jobs. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@SecurityScheme(securitySchemeName = ApiExamples.API_KEY, type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.HEADER,
        apiKeyName = "X-API-Key",
        description = "The account's API key; 'Authorization: Token <key>' or the apiKey query parameter work too")
@Tag(name = "Jobs", description = "Submit, poll, list and cancel jobs (the ScraperAPI async API)")
public class JobResource {

    private static final Duration BUSY_RETRY_AFTER = Duration.ofSeconds(1);

    @Inject
    JobSubmissionService submissions;

    @Inject
    JobQueryService queries;

    @Inject
    JobCancellationService cancellations;

    @Inject
    StatusUrls statusUrls;

    @Inject
    ScreenshotQuery screenshots;

    @Inject
    JsonBodies bodies;

    @Inject
    CpuWorkers cpuWorkers;

    @Inject
    IdentityProviderManager identityProviders;

    @Inject
    SecurityIdentity identity;

    @Inject
    JobTraces traces;

    @Context
    UriInfo uriInfo;

    @Operation(summary = "Submit a job",
            description = "Stores the job durably and answers at once; the gateway fetches the URL in the "
                    + "background. An Idempotency-Key header makes a retried request return the same "
                    + "job.")
    @RequestBody(required = true, description = "apiKey and url required; method, headers, body, apiParams, callback, "
                    + "expectUnsuccessReport, timeoutSec, meta and project optional",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT),
                    examples = @ExampleObject(name = "example", value = ApiExamples.SUBMIT)))
    @APIResponse(responseCode = "200", description = "The accepted job, running",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class),
                    examples = @ExampleObject(name = "example", value = ApiExamples.SUBMITTED)))
    @APIResponse(responseCode = "400", description = "Bad input; nothing is stored",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class),
                    examples = @ExampleObject(name = "error", value = ApiExamples.INVALID)))
    @APIResponse(responseCode = "401", description = "Missing or unknown API key",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class),
                    examples = @ExampleObject(name = "error", value = ApiExamples.UNAUTHORIZED)))
    @POST
    @Path("jobs")
    @Consumes(MediaType.WILDCARD)
    public Uni<RestResponse<JobView>> submit(String body, @HeaderParam(IdempotencyKey.HEADER) String idempotencyKey,
                                             @HeaderParam(Preferences.PREFER) String prefer) {
        return submit(body, false, idempotencyKey, prefer).map(views -> answer(views.get(0), views));
    }

    @Operation(summary = "Submit many jobs at once",
            description = "Like POST /jobs with urls instead of url; every job gets the same batchId. All "
                    + "jobs are stored by one statement.")
    @RequestBody(required = true, description = "As POST /jobs, with urls (1 to GATEWAY_JOBS_BATCH_MAX_URLS) instead of url",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT),
                    examples = @ExampleObject(name = "example", value = ApiExamples.SUBMIT_BATCH)))
    @APIResponse(responseCode = "200", description = "The accepted jobs, in input order",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class, type = SchemaType.ARRAY),
                    examples = @ExampleObject(name = "example", value = ApiExamples.SUBMITTED_BATCH)))
    @APIResponse(responseCode = "400", description = "Bad input; nothing is stored",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class),
                    examples = @ExampleObject(name = "error", value = ApiExamples.INVALID)))
    @POST
    @Path("batchjobs")
    @Consumes(MediaType.WILDCARD)
    public Uni<RestResponse<List<JobView>>> submitBatch(String body, @HeaderParam(IdempotencyKey.HEADER) String idempotencyKey,
                                                        @HeaderParam(Preferences.PREFER) String prefer) {
        return submit(body, true, idempotencyKey, prefer).map(views -> answer(views, views));
    }

    /** A lenient submission that ignored something says so (RFC 7240); one without warnings answers as before. */
    private static <T> RestResponse<T> answer(T entity, List<JobView> views) {
        if (views.isEmpty() || views.get(0).warnings() == null) {
            return RestResponse.ok(entity);
        }
        return RestResponse.ResponseBuilder.ok(entity).header(Preferences.APPLIED, Preferences.LENIENT_APPLIED).build();
    }

    /**
     * Reading and checking a large body (up to 16 MiB, 50,000 URLs) would hold an event loop for long, so it runs on
     * the CPU workers; while too many wait for them, a large submission is answered 503, to be retried. The key is
     * in the body (ScraperAPI style), so it is authenticated once the body is read, by the same identity provider
     * (and cache) as a key in a header.
     */
    private Uni<List<JobView>> submit(String body, boolean batch, String idempotencyKey, String prefer) {
        String statusUrlPrefix = statusUrls.prefix(uriInfo);
        // Read here, on the request's context: its server span (continuing any incoming traceparent) is current only here.
        String traceContext = traces.submission();
        long size = body == null ? 0 : body.length();
        boolean strict = Preferences.strict(prefer);
        return cpuWorkers.tryRun(size, () -> submissions.validate(bodies.parse(body), batch, strict, idempotencyKey))
                .onFailure(CpuWorkers.Saturated.class).transform(busy -> ClientError.unavailable(
                        "the gateway is busy reading other large submissions, try again shortly", BUSY_RETRY_AFTER))
                .chain(submission -> Identities.accountOf(identityProviders, submission.apiKey())
                        .chain(accountId -> submissions.submit(submission, accountId, statusUrlPrefix, traceContext)));
    }

    /** The statusUrl: the unguessable id (74 random bits) is the capability, so no key is needed (as in ScraperAPI). */
    @Operation(summary = "Read a job (its statusUrl)",
            description = "No key needed: the unguessable id is the capability. A finished job has response; a "
                    + "failed one failReason.")
    @APIResponse(responseCode = "200", description = "The job as it is now",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class),
                    examples = @ExampleObject(name = "example", value = ApiExamples.FINISHED)))
    @APIResponse(responseCode = "404", description = "No such job",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class),
                    examples = @ExampleObject(name = "error", value = ApiExamples.JOB_NOT_FOUND)))
    @GET
    @Path("jobs/{id}")
    public Uni<JobView> get(@PathParam("id") String id) {
        return queries.get(JobIds.parse(id)).map(JobView::of);
    }

    @Operation(summary = "A rendered job's screenshot",
            description = "The full-page PNG of a job submitted with apiParams.screenshot, once it has finished; the same"
                    + " capability as the statusUrl (no key needed). Its URL is the job's response.headers['sa-screenshot'].")
    @APIResponse(responseCode = "200", description = "The PNG", content = @Content(mediaType = "image/png"))
    @APIResponse(responseCode = "404", description = "No such job, or no screenshot",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @GET
    @Path("jobs/{id}/screenshot")
    @Produces({"image/png", MediaType.APPLICATION_JSON})
    public Uni<Response> screenshot(@PathParam("id") String id) {
        return screenshots.png(JobIds.parse(id)).map(png -> Response.ok(png, "image/png")
                .header("Cache-Control", "private, max-age=3600").build());
    }

    @Operation(summary = "Cancel a job",
            description = "Ends a running job as failed with failReason cancelled; an ended job is returned"
                    + " unchanged.")
    @SecurityRequirement(name = ApiExamples.API_KEY)
    @APIResponse(responseCode = "200", description = "The job after cancelling",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class),
                    examples = @ExampleObject(name = "example", value = ApiExamples.CANCELLED)))
    @APIResponse(responseCode = "404", description = "No such job of this account",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class),
                    examples = @ExampleObject(name = "error", value = ApiExamples.JOB_NOT_FOUND)))
    @DELETE
    @Path("jobs/{id}")
    @RolesAllowed(Identities.ACCOUNT)
    public Uni<JobView> cancel(@PathParam("id") String id) {
        return cancellations.cancel(JobIds.parse(id), Identities.accountId(identity)).map(JobView::of);
    }

    @Operation(summary = "List your jobs",
            description = "Newest first, page by page: pass nextCursor as cursor for the next page.")
    @SecurityRequirement(name = ApiExamples.API_KEY)
    @APIResponse(responseCode = "200", description = "One page of jobs",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobPage.class),
                    examples = @ExampleObject(name = "example", value = ApiExamples.PAGE)))
    @APIResponse(responseCode = "401", description = "Missing or unknown API key",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class),
                    examples = @ExampleObject(name = "error", value = ApiExamples.UNAUTHORIZED)))
    @GET
    @Path("jobs")
    @RolesAllowed(Identities.ACCOUNT)
    public Uni<JobPage> list(@QueryParam("status") String status, @QueryParam("limit") String limit,
                             @QueryParam("cursor") String cursor) {
        return queries.list(Identities.accountId(identity), status, limit, cursor);
    }
}
