package dev.asyncgateway.api.console;

import dev.asyncgateway.api.AdminTokenAuthenticationRequest;
import dev.asyncgateway.api.Identities;
import dev.asyncgateway.common.Sha256;
import dev.asyncgateway.config.ConsoleConfig;
import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.store.ConsoleSessionStore;
import io.quarkus.security.identity.IdentityProviderManager;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.NewCookie;

import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.UUID;

/**
 * Console sign-in: the API key or the admin token is posted once and exchanged for a random session id, held by
 * the browser in an HttpOnly, SameSite=Strict cookie (Secure over https) and stored only as its SHA-256 (V16).
 * The key itself is checked by the account lookup and then forgotten: it is never in a URL, a page or the table.
 * <p>
 * Both sign-ins go through the identity providers of the API (and the API key through its cache).
 */
@ApplicationScoped
public class ConsoleSessions {

    public static final String COOKIE = "gw_console";
    /** Before sign-in: the double-submit token of the sign-in form. */
    public static final String SIGN_IN_COOKIE = "gw_console_signin";

    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    ConsoleSessionStore store;

    @Inject
    IdentityProviderManager identities;

    @Inject
    ConsoleConfig config;

    @Inject
    GatewayConfig gateway;

    /** A fresh session and the value its cookie carries. */
    public record Opened(String cookieValue, ConsoleSession session) {
    }

    public Uni<Opened> signInWithApiKey(String apiKey) {
        return Identities.accountOf(identities, apiKey == null ? null : apiKey.trim()).chain(accountId -> open(accountId, false));
    }

    public Uni<Opened> signInAsOperator(String adminToken) {
        return identities.authenticate(new AdminTokenAuthenticationRequest(adminToken == null ? "" : adminToken.trim()))
                .chain(operator -> open(null, true));
    }

    /** The operator view exists only when GATEWAY_ADMIN_TOKEN is set, like the admin endpoints. */
    public boolean adminEnabled() {
        return gateway.adminToken().filter(token -> !token.isBlank()).isPresent();
    }

    /** The session of this cookie; fails with {@link ConsoleSignInRequired} when there is none or it expired. */
    public Uni<ConsoleSession> resolve(String cookieValue) {
        if (cookieValue == null || cookieValue.isEmpty() || cookieValue.length() > 100) {
            return Uni.createFrom().failure(new ConsoleSignInRequired());
        }
        return store.find(Sha256.of(cookieValue))
                .onItem().ifNull().failWith(ConsoleSignInRequired::new)
                .map(row -> new ConsoleSession(row.accountId(), row.operator(), row.csrfToken()));
    }

    /** The session if there is one, else null: for pages that look different before and after sign-in. */
    public Uni<ConsoleSession> resolveOrNull(String cookieValue) {
        return resolve(cookieValue).onFailure(ConsoleSignInRequired.class).recoverWithNull();
    }

    public Uni<Void> signOut(String cookieValue) {
        return cookieValue == null || cookieValue.isEmpty() ? Uni.createFrom().voidItem()
                : store.delete(Sha256.of(cookieValue));
    }

    public NewCookie cookie(String value, boolean secure) {
        return cookie(COOKIE, value, (int) config.sessionTtl().toSeconds(), secure);
    }

    public NewCookie clearedCookie(boolean secure) {
        return cookie(COOKIE, "", 0, secure);
    }

    static NewCookie cookie(String name, String value, int maxAgeSeconds, boolean secure) {
        return new NewCookie.Builder(name).value(value).path("/console").httpOnly(true).secure(secure)
                .sameSite(NewCookie.SameSite.STRICT).maxAge(maxAgeSeconds).build();
    }

    static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private Uni<Opened> open(UUID accountId, boolean operator) {
        String id = newToken();
        String csrf = newToken();
        OffsetDateTime expires = OffsetDateTime.now().plus(config.sessionTtl());
        return store.insert(Sha256.of(id), accountId, operator, csrf, expires)
                .replaceWith(new Opened(id, new ConsoleSession(accountId, operator, csrf)));
    }
}
