package dev.asyncgateway.account;

import dev.asyncgateway.store.Account;
import dev.asyncgateway.store.AccountRepository;
import dev.asyncgateway.common.ApiKeys;
import dev.asyncgateway.common.ClientError;
import dev.asyncgateway.common.SecretsAtRest;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Accounts and their API keys: creation by an admin, and resolving a key to its account on every request. */
@ApplicationScoped
public class AccountService {

    /** Keys never change owner, so a resolved key can be remembered; bounded so a key-guessing client cannot grow it. */
    private static final int KEY_CACHE_LIMIT = 10_000;

    @Inject
    AccountRepository accounts;

    @Inject
    SecretsAtRest secrets;

    private final Map<String, UUID> accountIdByKeyHash = new ConcurrentHashMap<>();

    /** A new account and its API key; the key is returned only here and stored only hashed. */
    @WithTransaction
    public Uni<CreatedAccount> create(String name) {
        String apiKey = ApiKeys.newApiKey();
        Account account = new Account();
        account.id = UUID.randomUUID();
        account.name = name;
        account.apiKeyHash = ApiKeys.hash(apiKey);
        account.webhookSecret = secrets.seal(ApiKeys.newWebhookSecret());
        account.webhookEncoding = "json";
        account.createdAt = OffsetDateTime.now();
        return accounts.persist(account).map(saved -> new CreatedAccount(saved.id, saved.name, apiKey));
    }

    /** The account owning {@code apiKey}; 401 when the key is missing or unknown. */
    public Uni<UUID> authenticate(String apiKey) {
        if (apiKey == null || apiKey.isBlank()) {
            return Uni.createFrom().failure(ClientError.unauthorized("missing API key"));
        }
        byte[] hash = ApiKeys.hash(apiKey);
        String cacheKey = HexFormat.of().formatHex(hash);
        UUID cached = accountIdByKeyHash.get(cacheKey);
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        return accounts.findIdByApiKeyHash(hash).onItem().ifNull().failWith(() -> ClientError.unauthorized("unknown API key"))
                .invoke(id -> {
                    if (accountIdByKeyHash.size() < KEY_CACHE_LIMIT) {
                        accountIdByKeyHash.put(cacheKey, id);
                    }
                });
    }

    @io.quarkus.runtime.annotations.RegisterForReflection
    public record CreatedAccount(UUID id, String name, String apiKey) {
    }
}
