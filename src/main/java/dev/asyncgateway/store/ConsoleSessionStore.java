package dev.asyncgateway.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.UUID;

/** Web console sessions (V16): looked up by the SHA-256 of the id the browser holds, never by the id itself. */
@ApplicationScoped
public class ConsoleSessionStore {

    /** A live session: an account's ({@code accountId} set) or the operator's. */
    public record ConsoleSessionRow(UUID accountId, boolean operator, String csrfToken, OffsetDateTime expiresAt) {
    }

    private static final String INSERT = """
            insert into console_session (id_hash, account_id, operator, csrf_token, expires_at)
            values ($1, $2, $3, $4, $5)""";

    private static final String FIND = """
            select account_id, operator, csrf_token, expires_at from console_session
            where id_hash = $1 and expires_at > now()""";

    private static final String DELETE = "delete from console_session where id_hash = $1";

    /** Expired sessions, through console_session_expires_idx; run at each sign-in so the table stays small. */
    private static final String PURGE_EXPIRED = "delete from console_session where expires_at <= now()";

    @Inject
    Pool pool;

    public Uni<Void> insert(byte[] idHash, UUID accountId, boolean operator, String csrfToken, OffsetDateTime expiresAt) {
        return pool.preparedQuery(PURGE_EXPIRED).execute()
                .chain(() -> pool.preparedQuery(INSERT)
                        .execute(Tuple.from(Arrays.asList(idHash, accountId, operator, csrfToken, expiresAt))))
                .replaceWithVoid();
    }

    public Uni<ConsoleSessionRow> find(byte[] idHash) {
        return pool.preparedQuery(FIND).execute(Tuple.of(idHash)).map(rows -> {
            RowIterator<Row> it = rows.iterator();
            if (!it.hasNext()) {
                return null;
            }
            Row row = it.next();
            return new ConsoleSessionRow(row.getUUID("account_id"), row.getBoolean("operator"),
                    row.getString("csrf_token"), row.getOffsetDateTime("expires_at"));
        });
    }

    public Uni<Void> delete(byte[] idHash) {
        return pool.preparedQuery(DELETE).execute(Tuple.of(idHash)).replaceWithVoid();
    }
}
