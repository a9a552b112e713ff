package dev.asyncgateway.api;

import dev.asyncgateway.account.AccountService;
import dev.asyncgateway.callback.WebhookSettingsParser;
import dev.asyncgateway.callback.WebhookSettingsService;
import dev.asyncgateway.job.JobRequestParser;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestResponse;

/** A project's webhook: jobs that name the project call back here unless they give their own URL. */
@Path("/projects/{project}/webhook")
@Produces(MediaType.APPLICATION_JSON)
public class ProjectWebhookResource {

    @Inject
    AccountService accounts;

    @Inject
    WebhookSettingsService settings;

    @Inject
    WebhookSettingsParser parser;

    @Inject
    JsonBodies bodies;

    @Context
    HttpServerRequest request;

    @GET
    public Uni<ProjectWebhookView> get(@PathParam("project") String project) {
        return accounts.authenticate(ApiKeyCredentials.from(request))
                .chain(accountId -> settings.project(accountId, project))
                .map(found -> ProjectWebhookView.of(project, found));
    }

    /** Creates (201) or replaces (200) the project's webhook. */
    @PUT
    @Consumes(MediaType.WILDCARD)
    public Uni<RestResponse<ProjectWebhookView>> replace(@PathParam("project") String project, String body) {
        if (!JobRequestParser.PROJECT_NAME.matcher(project).matches()) {
            throw ClientError.invalid("a project name is 1 to 100 letters, digits, '.', '_' or '-'", "project");
        }
        var parsed = parser.parse(bodies.parse(body), false);
        return accounts.authenticate(ApiKeyCredentials.from(request))
                .chain(accountId -> settings.replaceProject(accountId, project, parsed))
                .map(saved -> RestResponse.status(saved.created() ? RestResponse.Status.CREATED : RestResponse.Status.OK,
                        ProjectWebhookView.of(project, saved.settings())));
    }

    @DELETE
    public Uni<RestResponse<Void>> delete(@PathParam("project") String project) {
        return accounts.authenticate(ApiKeyCredentials.from(request))
                .chain(accountId -> settings.deleteProject(accountId, project))
                .map(ignored -> RestResponse.noContent());
    }
}
