package dev.asyncgateway.store;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.UUID;

/**
 * The {@code project_webhook} table. As for {@link AccountStore}: every write is one statement of this class on
 * the reactive pool; reads go through Hibernate Reactive Panache.
 */
@ApplicationScoped
public class ProjectWebhookStore implements PanacheRepositoryBase<ProjectWebhook, ProjectWebhook.Key> {

    /** Creates or replaces in one statement, so two concurrent first PUTs cannot collide; says which it did. */
    private static final String UPSERT = """
            insert into project_webhook (account_id, project, url, headers, encoding, updated_at)
            values ($1, $2, $3, $4, $5, now())
            on conflict (account_id, project) do update
                set url = excluded.url, headers = excluded.headers, encoding = excluded.encoding, updated_at = now()
            returning xmax = 0 as created""";

    private static final String DELETE = "delete from project_webhook where account_id = $1 and project = $2";

    /**
     * The write-back of {@link StoredSecretsStore} for this table: keys, the new values and the values as read, as
     * arrays in {@link StoredSecretsStore.SecretTable#PROJECT_WEBHOOK} column order; a row is written only where it
     * still holds what was read.
     */
    private static final String RESEAL_SECRETS = """
            update project_webhook t set url = n.url, headers = n.headers
            from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
                as n(account_id, project, url, headers, old_url, old_headers)
            where (t.account_id, t.project) = (n.account_id, n.project)
              and (t.url, t.headers) is not distinct from (n.old_url, n.old_headers)""";

    @Inject
    Pool pool;

    /**
     * Stores the project's webhook, replacing the one it had; URL and header values already sealed.
     *
     * @return true when it created the webhook, false when it replaced one
     */
    public Uni<Boolean> upsert(UUID accountId, String project, String url, String headers, String encoding) {
        return pool.preparedQuery(UPSERT).execute(Tuple.of(accountId, project, url, headers, encoding))
                .map(rows -> rows.iterator().next().getBoolean("created"));
    }

    /** @return true when there was a webhook to delete */
    public Uni<Boolean> delete(UUID accountId, String project) {
        return pool.preparedQuery(DELETE).execute(Tuple.of(accountId, project)).map(rows -> rows.rowCount() == 1);
    }

    /** Runs {@link #RESEAL_SECRETS} with its arrays; returns how many rows were written. */
    Uni<Integer> resealSecrets(Tuple arrays) {
        return pool.preparedQuery(RESEAL_SECRETS).execute(arrays).map(RowSet::rowCount);
    }
}
