package dev.asyncgateway.api;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import dev.asyncgateway.common.ClientError;

import java.util.UUID;

/**
 * Who calls: an account (role {@link #ACCOUNT}, principal name = account id) or the operator (role {@link #ADMIN}).
 * Resources declare the role with {@code @RolesAllowed}; services are handed the account id, never a key.
 */
public final class Identities {

    public static final String ACCOUNT = "account";
    public static final String ADMIN = "admin";

    /** The attribute holding the account id as a {@link UUID}, so no request parses it from the principal's name. */
    private static final String ACCOUNT_ID = "gateway.account-id";

    static final SecurityIdentity OPERATOR = QuarkusSecurityIdentity.builder()
            .setPrincipal(new QuarkusPrincipal("admin")).addRole(ADMIN).build();

    private Identities() {
    }

    /** The identity of an account; immutable, so one per account serves every request (see the key cache). */
    static SecurityIdentity account(UUID accountId) {
        return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(accountId.toString()))
                .addRole(ACCOUNT).addAttribute(ACCOUNT_ID, accountId).build();
    }

    /** The account of an identity that has the {@link #ACCOUNT} role. */
    public static UUID accountId(SecurityIdentity identity) {
        return identity.getAttribute(ACCOUNT_ID);
    }

    /**
     * Authenticates a key that came in a request body ({@code POST /jobs}, ScraperAPI style) through the same
     * identity provider and cache as a key in a header.
     */
    public static Uni<UUID> accountOf(IdentityProviderManager identities, String apiKey) {
        if (apiKey == null || apiKey.isBlank()) {
            return Uni.createFrom().failure(ClientError.unauthorized(ApiKeyIdentityProvider.MISSING));
        }
        return identities.authenticate(new ApiKeyAuthenticationRequest(apiKey)).map(Identities::accountId);
    }
}
