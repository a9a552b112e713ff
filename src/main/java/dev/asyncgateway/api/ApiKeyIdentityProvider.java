package dev.asyncgateway.api;

import dev.asyncgateway.account.AccountService;
import dev.asyncgateway.common.ApiKeys;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.quarkus.cache.CaffeineCache;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Resolves an API key to its account's identity. Resolved keys are remembered in the {@value #CACHE} cache
 * (Caffeine: bounded by {@code maximum-size}, forgotten after {@code expire-after-write}, see the README), keyed by
 * the key's SHA-256 so no plain key outlives its request. A key that resolves to no account is never cached: a
 * client guessing keys costs a lookup each time and cannot push real keys out.
 */
@ApplicationScoped
public class ApiKeyIdentityProvider implements IdentityProvider<ApiKeyAuthenticationRequest> {

    public static final String CACHE = "api-keys";
    static final String MISSING = "missing API key";
    static final String UNKNOWN = "unknown API key";
    private static final String UNKNOWN_KEY = "gateway.unknown-api-key";

    @Inject
    AccountService accounts;

    @Inject
    @CacheName(CACHE)
    Cache cache;

    private CaffeineCache identities;

    @PostConstruct
    void init() {
        identities = cache.as(CaffeineCache.class);
    }

    @Override
    public Class<ApiKeyAuthenticationRequest> getRequestType() {
        return ApiKeyAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(ApiKeyAuthenticationRequest request, AuthenticationRequestContext context) {
        byte[] hash = ApiKeys.hash(request.apiKey());
        String cacheKey = HexFormat.of().formatHex(hash);
        // The hot path: a key seen before is answered here, on the calling thread. Only resolved keys are put in the
        // cache (its loading API would cache nothing for an unknown key either, but would log each such failure and
        // hand every answer back through the event loop's task queue).
        CompletableFuture<SecurityIdentity> cached = identities.getIfPresent(cacheKey);
        if (cached != null) {
            // Only completed futures are put, so this is the item at once.
            return cached.isDone() ? Uni.createFrom().item(cached.join()) : Uni.createFrom().completionStage(cached);
        }
        return accounts.accountIdOf(hash)
                .onItem().ifNull().failWith(ApiKeyIdentityProvider::rejected)
                .map(accountId -> {
                    SecurityIdentity identity = Identities.account(accountId);
                    identities.put(cacheKey, CompletableFuture.completedFuture(identity));
                    return identity;
                });
    }

    /** A key that belongs to no account (401 "unknown API key"); the failure is not cached. */
    private static AuthenticationFailedException rejected() {
        return new AuthenticationFailedException(UNKNOWN, Map.of(UNKNOWN_KEY, Boolean.TRUE));
    }

    /** Whether {@code e} says a presented key belongs to no account (rather than that none was presented). */
    static boolean isRejectedKey(Throwable e) {
        return e instanceof AuthenticationFailedException failed && failed.getAttribute(UNKNOWN_KEY) != null;
    }
}
