package dev.asyncgateway.account;

import dev.asyncgateway.common.ApiKeys;
import dev.asyncgateway.common.SecretsAtRest;
import dev.asyncgateway.store.AccountStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.UUID;

/**
 * Accounts and their API keys: creation (by an admin, or the bootstrap account at start-up) and finding the
 * account of a key. Remembering resolved keys is the API's authentication cache, not this class's.
 */
@ApplicationScoped
public class AccountService {

    @Inject
    AccountStore accounts;

    @Inject
    SecretsAtRest secrets;

    /** A new account and its API key; the key is returned only here and stored only hashed. */
    public Uni<CreatedAccount> create(String name) {
        String apiKey = ApiKeys.newApiKey();
        UUID id = UUID.randomUUID();
        // A fresh key has 256 random bits: it never meets an existing hash, so the insert always stores.
        return insert(id, name, apiKey).map(ignored -> new CreatedAccount(id, name, apiKey));
    }

    /**
     * Stores the account of a key chosen by the operator unless the key already has one.
     *
     * @return true when the account was created
     */
    public Uni<Boolean> createIfAbsent(String name, String apiKey) {
        return insert(UUID.randomUUID(), name, apiKey);
    }

    /** The id of the account whose API key hashes to {@code keyHash} (see {@link ApiKeys#hash}), or null. */
    public Uni<UUID> accountIdOf(byte[] keyHash) {
        return accounts.findIdByApiKeyHash(keyHash);
    }

    private Uni<Boolean> insert(UUID id, String name, String apiKey) {
        return accounts.insert(id, name, ApiKeys.hash(apiKey), secrets.seal(ApiKeys.newWebhookSecret()));
    }

    @io.quarkus.runtime.annotations.RegisterForReflection
    public record CreatedAccount(UUID id, String name, String apiKey) {
    }
}
