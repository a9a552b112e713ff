package dev.asyncgateway.api.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.UUID;

/**
 * Who a console request comes from: an account (signed in with its API key) or the operator (the admin token).
 * Console resources take the account id from here and hand it to the services, which never see a key.
 */
public record ConsoleSession(UUID accountId, boolean operator, String csrfToken) {

    /** Every form post carries the session's token; a page of another site cannot know it. */
    public void requireCsrf(String presented) {
        if (presented == null || !MessageDigest.isEqual(csrfToken.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8))) {
            throw new ConsoleFailure(403, "This form has expired or did not come from the console. Reload the page and try again.");
        }
    }

    public ConsoleSession requireAccount() {
        if (accountId == null) {
            throw new ConsoleFailure(403, "This page belongs to the account view; sign in with an API key.");
        }
        return this;
    }

    public ConsoleSession requireOperator() {
        if (!operator) {
            throw new ConsoleFailure(403, "This page belongs to the operator view; sign in with the admin token.");
        }
        return this;
    }
}
