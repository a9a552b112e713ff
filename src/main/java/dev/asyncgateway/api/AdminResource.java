package dev.asyncgateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.asyncgateway.account.AccountService;
import dev.asyncgateway.runner.DrainReport;
import dev.asyncgateway.runner.DueWorkDrain;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestResponse;

/** Operator endpoints, guarded by GATEWAY_ADMIN_TOKEN. */
@Path("/admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    private static final int NAME_MAX_LENGTH = 200;

    @Inject
    AdminGuard guard;

    @Inject
    AccountService accounts;

    @Inject
    JsonBodies bodies;

    @Inject
    DueWorkDrain dueWork;

    /** Creates an account; its API key is in this answer and nowhere else. */
    @POST
    @Path("accounts")
    @Consumes(MediaType.WILDCARD)
    public Uni<RestResponse<AccountService.CreatedAccount>> createAccount(@HeaderParam("Authorization") String authorization,
                                                                          String body) {
        guard.check(authorization);
        JsonNode name = bodies.parse(body).get("name");
        if (name == null || !name.isTextual() || name.asText().isBlank() || name.asText().length() > NAME_MAX_LENGTH) {
            throw ClientError.invalid("'name' must be a non-empty string of at most " + NAME_MAX_LENGTH + " characters", "name");
        }
        return accounts.create(name.asText().trim()).map(created -> RestResponse.status(RestResponse.Status.CREATED, created));
    }

    /** Keeps this instance working until no job or delivery is due (for a scheduler on request-only-CPU platforms). */
    @POST
    @Path("drain")
    @Consumes(MediaType.WILDCARD)
    public Uni<DrainReport> drain(@HeaderParam("Authorization") String authorization) {
        guard.check(authorization);
        return dueWork.drain();
    }
}
