package dev.asyncgateway.api;

import dev.asyncgateway.account.AccountService;
import dev.asyncgateway.callback.WebhookSettingsParser;
import dev.asyncgateway.callback.WebhookSettingsService;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

/** The account's webhook settings and its signing secret (account key required). */
@Path("/account/webhook")
@Produces(MediaType.APPLICATION_JSON)
public class AccountWebhookResource {

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

    /** The signing secret in the form Standard Webhooks libraries take. */
    @RegisterForReflection
    public record Secret(String secret) {
    }

    @GET
    public Uni<AccountWebhookView> get() {
        return accounts.authenticate(ApiKeyCredentials.from(request))
                .chain(settings::account)
                .map(AccountWebhookView::of);
    }

    @PUT
    @Consumes(MediaType.WILDCARD)
    public Uni<AccountWebhookView> replace(String body) {
        var parsed = parser.parse(bodies.parse(body), true);
        return accounts.authenticate(ApiKeyCredentials.from(request))
                .chain(accountId -> settings.replaceAccount(accountId, parsed))
                .map(AccountWebhookView::of);
    }

    @GET
    @Path("secret")
    public Uni<Secret> secret() {
        return accounts.authenticate(ApiKeyCredentials.from(request)).chain(settings::secret).map(Secret::new);
    }

    @POST
    @Path("secret/rotate")
    public Uni<Secret> rotateSecret() {
        return accounts.authenticate(ApiKeyCredentials.from(request)).chain(settings::rotateSecret).map(Secret::new);
    }
}
