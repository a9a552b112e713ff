package dev.asyncgateway.api;

import dev.asyncgateway.callback.CallbackService;
import dev.asyncgateway.store.DeliveryAttempt;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestResponse;

import java.util.List;
import java.util.UUID;

/** A job's callback for its owner: the log of every attempt, and a manual retry. */
@Path("/jobs/{id}/callback")
@Produces(MediaType.APPLICATION_JSON)
public class CallbackResource {

    @Inject
    CallbackService callbacks;

    @Context
    HttpServerRequest request;

    /** Every HTTP attempt of the job's callback deliveries, oldest first. */
    @RegisterForReflection
    public record AttemptLog(UUID jobId, List<DeliveryAttempt> attempts) {
    }

    @GET
    @Path("attempts")
    public Uni<AttemptLog> attempts(@PathParam("id") String id) {
        UUID jobId = JobIds.parse(id);
        return callbacks.attempts(jobId, ApiKeyCredentials.from(request)).map(attempts -> new AttemptLog(jobId, attempts));
    }

    /** Queues a fresh delivery; 202 with the job, whose callback is pending again. */
    @POST
    @Path("retry")
    public Uni<RestResponse<JobView>> retry(@PathParam("id") String id) {
        return callbacks.retry(JobIds.parse(id), ApiKeyCredentials.from(request))
                .map(job -> RestResponse.status(RestResponse.Status.ACCEPTED, JobView.of(job)));
    }
}
