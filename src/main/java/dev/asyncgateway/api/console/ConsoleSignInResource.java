package dev.asyncgateway.api.console;

import dev.asyncgateway.common.ClientError;
import io.quarkus.security.AuthenticationException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** {@code /console}: sign in with an API key or the admin token, sign out. */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
public class ConsoleSignInResource {

    @Inject
    ConsoleSessions sessions;

    @Inject
    ConsoleActions actions;

    @Context
    HttpServerRequest request;

    @GET
    @Operation(hidden = true)
    public Uni<Response> home(@CookieParam(ConsoleSessions.COOKIE) String cookie) {
        return sessions.resolveOrNull(cookie).map(session -> ConsoleHttp.redirect(session == null ? "/console/sign-in"
                : session.operator() ? "/console/operator" : "/console/overview"));
    }

    @GET
    @Path("sign-in")
    @Operation(hidden = true)
    public Response signInPage() {
        return signInForm(200, null);
    }

    @POST
    @Path("sign-in")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Uni<Response> signIn(@FormParam("csrf") String csrf, @CookieParam(ConsoleSessions.SIGN_IN_COOKIE) String expected,
                                @FormParam("as") String as, @FormParam("secret") String secret) {
        if (expected == null || csrf == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                csrf.getBytes(StandardCharsets.UTF_8))) {
            return Uni.createFrom().item(signInForm(403, "The sign-in form expired. Please try again."));
        }
        boolean operator = "operator".equals(as);
        return Uni.createFrom().deferred(() -> operator ? sessions.signInAsOperator(secret) : sessions.signInWithApiKey(secret))
                .map(opened -> Response.seeOther(java.net.URI.create(operator ? "/console/operator" : "/console/overview"))
                        .cookie(sessions.cookie(opened.cookieValue(), secure()),
                                ConsoleSessions.cookie(ConsoleSessions.SIGN_IN_COOKIE, "", 0, secure()))
                        .build())
                .onFailure(failure -> failure instanceof ClientError || failure instanceof AuthenticationException)
                .recoverWithItem(e -> signInForm(401,
                        operator ? "That is not the admin token." : "That API key is not known."));
    }

    @POST
    @Path("sign-out")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Uni<Response> signOut(@CookieParam(ConsoleSessions.COOKIE) String cookie, @FormParam("csrf") String csrf) {
        return actions.post(actions.signedIn(cookie), csrf, session -> sessions.signOut(cookie),
                (session, ignored) -> Uni.createFrom().item(Response.seeOther(java.net.URI.create("/console/sign-in"))
                        .cookie(sessions.clearedCookie(secure())).build()), ConsoleActions.FailurePage.ERROR_PAGE);
    }

    /** Each form gets a fresh double-submit token: the cookie and the hidden field must agree on the post. */
    private Response signInForm(int status, String error) {
        String token = ConsoleSessions.newToken();
        ConsoleViews.Frame frame = new ConsoleViews.Frame("Sign in", "sign-in", false, false, null, token);
        String html = ConsoleTemplates.signIn(new ConsoleViews.SignInView(frame, error, sessions.adminEnabled())).render();
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(html)
                .cookie(ConsoleSessions.cookie(ConsoleSessions.SIGN_IN_COOKIE, token, 3600, secure())).build();
    }

    /** Secure cookies when the browser reached us over https (directly or through a trusted proxy). */
    private boolean secure() {
        return "https".equalsIgnoreCase(request.scheme());
    }
}
