package dev.asyncgateway.store;

import dev.asyncgateway.account.Account;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

@ApplicationScoped
public class AccountRepository implements PanacheRepositoryBase<Account, UUID> {

    public Uni<Account> findByApiKeyHash(byte[] hash) {
        return find("apiKeyHash", hash).firstResult();
    }
}
