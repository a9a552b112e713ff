package dev.asyncgateway.api;

import dev.asyncgateway.common.ClientError;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * ScraperAPI's structured data endpoints ({@code POST /structured/amazon/product}, ...) parse particular sites into
 * JSON, which this gateway does not do. A client that calls them gets a clear answer in the API's error shape, not a
 * bare 404 that reads like a wrong base URL.
 */
@Path("/structured")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Jobs", description = "Submit, poll, list and cancel jobs (the ScraperAPI async API)")
public class StructuredResource {

    private static final String NOT_OFFERED = "structured data endpoints (/structured/...) are not offered by this "
            + "gateway: submit the page's URL to POST /jobs and parse response.body yourself";

    /** Not in the OpenAPI document: it has no success answer to describe (the README says what it answers). */
    @Operation(hidden = true)
    @POST
    @Path("{endpoint: .*}")
    @Consumes(MediaType.WILDCARD)
    public ApiError submit() {
        throw ClientError.invalid(NOT_OFFERED, null);
    }

    @Operation(hidden = true)
    @GET
    @Path("{endpoint: .*}")
    public ApiError read() {
        throw ClientError.invalid(NOT_OFFERED, null);
    }
}
