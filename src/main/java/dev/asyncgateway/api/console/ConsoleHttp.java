package dev.asyncgateway.api.console;

import dev.asyncgateway.common.ClientError;
import dev.asyncgateway.config.ConsoleConfig;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.net.URI;
import java.util.function.Supplier;

/**
 * What every console answer shares: security headers on every {@code /console} path (pages and their static
 * assets), HTML error pages instead of the API's JSON errors, and the redirect to sign-in.
 */
@ApplicationScoped
public class ConsoleHttp {

    /**
     * Scripts, styles and fonts only from the gateway itself; no inline script or style, no frames, forms post only
     * back to the console. The charting library is served from its webjar under /webjars.
     */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    @Inject
    ConsoleConfig config;

    void securityHeaders(@Observes Router router) {
        router.route("/console*").order(-100).handler(ctx -> {
            if (!config.enabled()) {
                ctx.response().setStatusCode(404).end();
                return;
            }
            ctx.response().headers()
                    .set("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                    .set("X-Frame-Options", "DENY")
                    .set("X-Content-Type-Options", "nosniff")
                    .set("Referrer-Policy", "no-referrer")
                    .set("Cache-Control", "no-store");
            ctx.next();
        });
    }

    @ServerExceptionMapper
    public Response signInRequired(ConsoleSignInRequired e) {
        return Response.seeOther(URI.create("/console/sign-in")).build();
    }

    @ServerExceptionMapper
    public Response failure(ConsoleFailure e) {
        return page(e.status(), e.getMessage());
    }

    static Response page(int status, String message) {
        ConsoleViews.Frame frame = new ConsoleViews.Frame("Error", "", false, false, null, null);
        String html = ConsoleTemplates.error(new ConsoleViews.ErrorView(frame, status, message, "/console")).render();
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(html).build();
    }

    /** Runs a console action; the services' client errors become console pages with the same status. */
    static <T> Uni<T> guarded(Supplier<Uni<? extends T>> action) {
        return Uni.createFrom().<T>deferred(action)
                .onFailure(ClientError.class).transform(e -> new ConsoleFailure(((ClientError) e).status(), e.getMessage()));
    }

    static Response html(TemplateInstance page) {
        return html(200, page);
    }

    static Response html(int status, TemplateInstance page) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(page.render()).build();
    }

    static Response redirect(String location) {
        return Response.seeOther(URI.create(location)).build();
    }
}
