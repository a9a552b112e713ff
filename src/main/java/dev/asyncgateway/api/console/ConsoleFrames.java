package dev.asyncgateway.api.console;

import dev.asyncgateway.store.ConsoleStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The frame of a signed-in page: the account's name (or "Operator") in the header, the CSRF token for its forms. */
@ApplicationScoped
public class ConsoleFrames {

    @Inject
    ConsoleStore store;

    public Uni<ConsoleViews.Frame> of(ConsoleSession session, String title, String section) {
        if (session.operator()) {
            return Uni.createFrom().item(new ConsoleViews.Frame(title, section, true, true, "Operator", session.csrfToken()));
        }
        return store.accountName(session.accountId()).map(name ->
                new ConsoleViews.Frame(title, section, true, false, name == null ? "Account" : name, session.csrfToken()));
    }
}
