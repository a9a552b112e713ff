package dev.asyncgateway.store;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * The {@code account} table. Every write to it is a statement of this class, run on the reactive pool:
 * one atomic statement each, so no write depends on an entity read earlier in the request. Reads of whole
 * accounts (webhook settings) go through Hibernate Reactive Panache; the key lookup of authentication is SQL.
 */
@ApplicationScoped
public class AccountStore implements PanacheRepositoryBase<Account, UUID> {

    /** Also the bootstrap account's insert: a key already stored (another instance started first) is left as it is. */
    private static final String INSERT = """
            insert into account (id, name, api_key_hash, webhook_secret) values ($1, $2, $3, $4)
            on conflict (api_key_hash) do nothing""";

    private static final String FIND_ID_BY_KEY_HASH = "select id from account where api_key_hash = $1";

    private static final String REPLACE_WEBHOOK = """
            update account set webhook_url = $2, webhook_headers = $3, webhook_encoding = $4, notification_url = $5
            where id = $1""";

    /** The secret before the rotation keeps signing alongside the new one until {@code $3}. */
    private static final String ROTATE_SECRET = """
            update account set previous_webhook_secret = webhook_secret, webhook_secret = $2, previous_secret_until = $3
            where id = $1""";

    /**
     * The write-back of {@link StoredSecretsStore} for this table: ids, the new values and the values as read, as
     * arrays in {@link StoredSecretsStore.SecretTable#ACCOUNT} column order; a row is written only where it still
     * holds what was read.
     */
    private static final String RESEAL_SECRETS = """
            update account t set webhook_secret = n.webhook_secret, previous_webhook_secret = n.previous_webhook_secret,
                   webhook_url = n.webhook_url, webhook_headers = n.webhook_headers, notification_url = n.notification_url
            from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                        $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
                as n(id, webhook_secret, previous_webhook_secret, webhook_url, webhook_headers, notification_url,
                     old_webhook_secret, old_previous_webhook_secret, old_webhook_url, old_webhook_headers, old_notification_url)
            where t.id = n.id
              and (t.webhook_secret, t.previous_webhook_secret, t.webhook_url, t.webhook_headers, t.notification_url)
                  is not distinct from (n.old_webhook_secret, n.old_previous_webhook_secret, n.old_webhook_url,
                                        n.old_webhook_headers, n.old_notification_url)""";

    @Inject
    Pool pool;

    /**
     * Stores an account unless one with this key hash exists.
     *
     * @param sealedWebhookSecret the signing secret, already sealed
     * @return true when the account was stored
     */
    public Uni<Boolean> insert(UUID id, String name, byte[] apiKeyHash, String sealedWebhookSecret) {
        return pool.preparedQuery(INSERT).execute(Tuple.of(id, name, Buffer.buffer(apiKeyHash), sealedWebhookSecret))
                .map(rows -> rows.rowCount() == 1);
    }

    /**
     * The id of the account with this key hash, or null. SQL rather than a Panache query: it is on the path of
     * every request whose key is not cached yet, and needs neither a session nor the entity.
     */
    public Uni<UUID> findIdByApiKeyHash(byte[] hash) {
        return pool.preparedQuery(FIND_ID_BY_KEY_HASH).execute(Tuple.of(Buffer.buffer(hash)))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID(0));
    }

    /** The account's webhook settings, replaced as a whole; URLs and header values already sealed. */
    public Uni<Void> replaceWebhook(UUID id, String url, String headers, String encoding, String notificationUrl) {
        return pool.preparedQuery(REPLACE_WEBHOOK).execute(Tuple.of(id, url, headers, encoding, notificationUrl))
                .replaceWithVoid();
    }

    /** A new signing secret (sealed); the current one becomes the previous one, valid until {@code previousUntil}. */
    public Uni<Void> rotateSecret(UUID id, String sealedSecret, OffsetDateTime previousUntil) {
        return pool.preparedQuery(ROTATE_SECRET).execute(Tuple.of(id, sealedSecret, previousUntil)).replaceWithVoid();
    }

    /** Runs {@link #RESEAL_SECRETS} with its arrays; returns how many rows were written. */
    Uni<Integer> resealSecrets(Tuple arrays) {
        return pool.preparedQuery(RESEAL_SECRETS).execute(arrays).map(RowSet::rowCount);
    }
}
