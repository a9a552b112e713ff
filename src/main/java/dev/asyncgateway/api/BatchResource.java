package dev.asyncgateway.api;

import dev.asyncgateway.store.BatchStore;
import dev.asyncgateway.common.ClientError;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The summary of a {@code POST /batchjobs}: its jobs counted by status. Like a job's statusUrl, the random
 * batch id is the capability, so no key is needed.
 */
@Path("/batchjobs/{batchId}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Jobs", description = "Submit, poll, list and cancel jobs (the ScraperAPI async API)")
public class BatchResource {

    private static final String[] STATUSES = {"running", "finished", "failed"};

    @Inject
    BatchStore batches;

    /**
     * @param status {@code running} while any job runs, then {@code finished}
     * @param counts jobs by status, every status present
     */
    @RegisterForReflection
    public record BatchView(UUID id, String status, int size, Map<String, Long> counts, String statusUrl,
                            OffsetDateTime createdAt) {
    }

    @Operation(summary = "Read a batch summary",
            description = "Its jobs counted by status; no key needed (the unguessable batch id is the "
                    + "capability).")
    @APIResponse(responseCode = "200", description = "The batch",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BatchView.class),
                    examples = @ExampleObject(name = "example", value = ApiExamples.BATCH)))
    @APIResponse(responseCode = "404", description = "No such batch")
    @GET
    public Uni<BatchView> get(@PathParam("batchId") String batchId) {
        return batches.summary(JobIds.parseBatch(batchId))
                .onItem().ifNull().failWith(() -> ClientError.notFound("batch not found"))
                .map(summary -> {
                    Map<String, Long> counts = new LinkedHashMap<>();
                    for (String status : STATUSES) {
                        counts.put(status, summary.counts().getOrDefault(status, 0L));
                    }
                    return new BatchView(summary.id(), counts.get("running") > 0 ? "running" : "finished",
                            summary.size(), counts, summary.statusUrl(), summary.createdAt());
                });
    }
}
