package dev.asyncgateway.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Idempotency keys: what a replayed request gets back, and purging keys past their lifetime. Keys are written by {@link JobStore#insert}. */
@ApplicationScoped
public class IdempotencyKeyStore {

    /** The jobs a live key stands for, in the order they were submitted (and one row even if they were purged since). */
    private static final String REPLAY = "select k.batch, k.request_hash, " + JobRow.COLUMNS + ", cb.* from idempotency_key k"
            + " cross join lateral unnest(k.job_ids) with ordinality as u(job_id, position)"
            + " left join job j on j.id = u.job_id " + JobStore.CALLBACK_JOIN + """
             where k.account_id = $1 and k.key = $2 and k.created_at >= now() - make_interval(secs => $3)
            order by u.position""";

    private static final String PURGE = """
            delete from idempotency_key where (account_id, key) in (
                select account_id, key from idempotency_key where created_at < now() - make_interval(secs => $1)
                order by created_at limit $2)""";

    @Inject
    Pool pool;

    /**
     * What a live key stands for.
     *
     * @param jobs the jobs that still exist (retention may have purged some)
     */
    public record Replay(boolean batch, byte[] requestHash, List<JobRow> jobs) {
    }

    /** The live key's replay, or null when the account has no such key younger than {@code ttl}. */
    public Uni<Replay> find(UUID accountId, String key, Duration ttl) {
        return pool.preparedQuery(REPLAY).execute(Tuple.of(accountId, key, JobStore.seconds(ttl))).map(IdempotencyKeyStore::replay);
    }

    /** Deletes up to {@code limit} keys older than {@code ttl}; returns how many. */
    public Uni<Integer> purgeExpired(Duration ttl, int limit) {
        return pool.preparedQuery(PURGE).execute(Tuple.of(JobStore.seconds(ttl), limit)).map(RowSet::rowCount);
    }

    private static Replay replay(RowSet<Row> rows) {
        Replay replay = null;
        for (Row row : rows) {
            if (replay == null) {
                Buffer hash = row.getBuffer("request_hash");
                replay = new Replay(row.getBoolean("batch"), hash == null ? null : hash.getBytes(), new ArrayList<>());
            }
            if (row.getUUID("id") != null) {
                replay.jobs().add(JobRow.from(row));
            }
        }
        return replay;
    }
}
