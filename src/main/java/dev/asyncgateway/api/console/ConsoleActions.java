package dev.asyncgateway.api.console;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Who may open a console page, and what every console form post does around its own step: the session is resolved
 * and its role checked, the CSRF token checked, the step run with the services' client errors turned into console
 * failures, and then the browser is answered (a redirect with {@code ?done=}, or a page). A failure the page can
 * explain is shown on it; any other (a forged form's 403 above all) becomes the console's error page.
 */
@ApplicationScoped
public class ConsoleActions {

    /** How a post shows a failure of its step or its answer: a page, or the failure passed on to the error page. */
    @FunctionalInterface
    public interface FailurePage {

        /** The failure goes to the console's error page (its mapper in {@link ConsoleHttp}). */
        FailurePage ERROR_PAGE = (session, failure) -> Uni.createFrom().failure(failure);

        Uni<Response> show(ConsoleSession session, ConsoleFailure failure);
    }

    @Inject
    ConsoleSessions sessions;

    /** Any signed-in session, account or operator. */
    public Uni<ConsoleSession> signedIn(String cookie) {
        return sessions.resolve(cookie);
    }

    public Uni<ConsoleSession> account(String cookie) {
        return sessions.resolve(cookie).map(ConsoleSession::requireAccount);
    }

    public Uni<ConsoleSession> operator(String cookie) {
        return sessions.resolve(cookie).map(ConsoleSession::requireOperator);
    }

    /**
     * A form post by {@code signedIn} carrying {@code csrf}: runs {@code step}, then {@code answer} with its result;
     * a {@link ConsoleFailure} of either goes to {@code failures}.
     */
    public <T> Uni<Response> post(Uni<ConsoleSession> signedIn, String csrf, Function<ConsoleSession, Uni<T>> step,
                                  BiFunction<ConsoleSession, T, Uni<Response>> answer, FailurePage failures) {
        return signedIn.invoke(session -> session.requireCsrf(csrf)).chain(session ->
                ConsoleHttp.<T>guarded(() -> step.apply(session))
                        .chain(result -> answer.apply(session, result))
                        .onFailure(ConsoleFailure.class).recoverWithUni(e -> failures.show(session, (ConsoleFailure) e)));
    }

    /** The answer of a post that sends the browser on to {@code location} (a page with its {@code ?done=} notice). */
    public static <T> BiFunction<ConsoleSession, T, Uni<Response>> redirect(Function<T, String> location) {
        return (session, result) -> Uni.createFrom().item(ConsoleHttp.redirect(location.apply(result)));
    }
}
