package dev.asyncgateway.store;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

@ApplicationScoped
public class AccountRepository implements PanacheRepositoryBase<Account, UUID> {

    /** The id of the account with this key hash, or null. */
    @WithSession
    public Uni<UUID> findIdByApiKeyHash(byte[] hash) {
        return find("apiKeyHash", hash).firstResult().map(account -> account == null ? null : account.id);
    }
}
