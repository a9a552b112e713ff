package dev.asyncgateway.api;

import dev.asyncgateway.job.IdempotencyKey;
import dev.asyncgateway.job.JobCancellationService;
import dev.asyncgateway.job.JobQueryService;
import dev.asyncgateway.job.JobSubmissionService;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
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
import jakarta.ws.rs.core.UriInfo;

import java.util.List;

/** The ScraperAPI-compatible async API: submit, poll, list and cancel jobs. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {

    @Inject
    JobSubmissionService submissions;

    @Inject
    JobQueryService queries;

    @Inject
    JobCancellationService cancellations;

    @Inject
    StatusUrls statusUrls;

    @Inject
    JsonBodies bodies;

    @Context
    UriInfo uriInfo;

    @Context
    HttpServerRequest request;

    @POST
    @Path("jobs")
    @Consumes(MediaType.WILDCARD)
    public Uni<JobView> submit(String body, @HeaderParam(IdempotencyKey.HEADER) String idempotencyKey) {
        return submissions.submit(bodies.parse(body), false, statusUrls.prefix(uriInfo), idempotencyKey)
                .map(views -> views.get(0));
    }

    @POST
    @Path("batchjobs")
    @Consumes(MediaType.WILDCARD)
    public Uni<List<JobView>> submitBatch(String body, @HeaderParam(IdempotencyKey.HEADER) String idempotencyKey) {
        return submissions.submit(bodies.parse(body), true, statusUrls.prefix(uriInfo), idempotencyKey);
    }

    /** The statusUrl: the random id is the capability, so no key is needed (as in ScraperAPI). */
    @GET
    @Path("jobs/{id}")
    public Uni<JobView> get(@PathParam("id") String id) {
        return queries.get(JobIds.parse(id)).map(JobView::of);
    }

    @DELETE
    @Path("jobs/{id}")
    public Uni<JobView> cancel(@PathParam("id") String id) {
        return cancellations.cancel(JobIds.parse(id), ApiKeyCredentials.from(request)).map(JobView::of);
    }

    @GET
    @Path("jobs")
    public Uni<JobPage> list(@QueryParam("status") String status, @QueryParam("limit") String limit,
                             @QueryParam("cursor") String cursor) {
        return queries.list(ApiKeyCredentials.from(request), status, limit, cursor);
    }
}
