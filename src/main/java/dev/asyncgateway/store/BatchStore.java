package dev.asyncgateway.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** SQL for batches of jobs: their summary, the one-time {@code batch-finished} announcement, and retention. */
@ApplicationScoped
public class BatchStore {

    /**
     * A batch's statusUrl, the one place it is built: the base its jobs' statusUrls were given at submission, then
     * {@code batchjobs/<id>}. An aggregate over the batch {@code b}'s jobs {@code j}; null when it has none left.
     */
    private static final String BATCH_STATUS_URL = "regexp_replace(min(j.status_url), 'jobs/[^/]*$', 'batchjobs/' || b.id::text)";

    /**
     * Marks batches whose jobs have all ended as announced and, in the same statement, queues a
     * {@code batch-finished} event to the account's notification URL. It runs in its own statement after
     * the jobs' statements committed, so it sees every job's final state; the row lock and the
     * {@code not announced} condition make sure only one instance announces a batch, once.
     * $1: only these batches (null: any, oldest first, for the sweep).
     */
    private static final String ANNOUNCE_FINISHED = """
            with ready as (
                select b.id from batch b
                where not b.announced and ($1::uuid[] is null or b.id = any($1))
                  and not exists (select 1 from job j where j.batch_id = b.id and j.status = 'running')
                order by b.created_at limit $2 for update skip locked),
            announced as (
                update batch b set announced = true from ready r where b.id = r.id
                returning b.id, b.account_id, b.size),
            counts as (
                select b.id as batch_id, count(*) filter (where j.status = 'finished') as finished,
                       count(*) filter (where j.status = 'failed') as failed,
                       """ + BATCH_STATUS_URL + """
             as status_url
                from announced b join job j on j.batch_id = b.id group by b.id),
            queued as (
                insert into delivery (id, account_id, batch_id, kind, url, encoding, payload, max_attempts)
                select gen_random_uuid(), b.account_id, b.id, 'batch-finished', a.notification_url, 'json',
                       jsonb_build_object('batchId', b.id, 'total', b.size,
                                          'counts', jsonb_build_object('finished', coalesce(c.finished, 0),
                                                                       'failed', coalesce(c.failed, 0)),
                                          'statusUrl', c.status_url)::text,
                       $3
                from announced b
                join account a on a.id = b.account_id
                left join counts c on c.batch_id = b.id
                where a.notification_url is not null
                returning id)
            select (select count(*) from announced) as announced, (select count(*) from queued) as queued,
                   (select array_agg(id) from announced) as announced_ids""";

    private static final String SUMMARY = """
            select b.id, b.size, b.created_at, j.status, count(j.id) as n, """ + BATCH_STATUS_URL + """
             as status_url
            from batch b left join job j on j.batch_id = b.id
            where b.id = $1 group by b.id, b.size, b.created_at, j.status""";

    /**
     * Batches older than the retention period whose jobs retention has already removed, oldest first, each with its
     * {@code batch-finished} event and that event's attempt log (the foreign keys cascade); but not while the event
     * is pending, which would cancel it. A batch being announced right now is skipped, not waited for.
     */
    private static final String PURGE_EMPTIED = """
            delete from batch where id in (
                select b.id from batch b
                where b.created_at < now() - make_interval(secs => $1)
                  and not exists (select 1 from job j where j.batch_id = b.id)
                  and not exists (select 1 from delivery d where d.batch_id = b.id and d.status = 'pending')
                order by b.created_at limit $2
                for update of b skip locked)""";

    @Inject
    Pool pool;

    /** What {@link #announceFinished} did: batches announced (and which), and events queued for them. */
    public record Announced(long batches, long events, List<UUID> ids) {
    }

    /**
     * @param batchIds only these batches, or null to sweep any (at most {@code limit})
     */
    public Uni<Announced> announceFinished(Collection<UUID> batchIds, int limit, int maxAttempts) {
        UUID[] ids = batchIds == null ? null : batchIds.toArray(UUID[]::new);
        return pool.preparedQuery(ANNOUNCE_FINISHED).execute(Tuple.of(ids, limit, maxAttempts)).map(rows -> {
            Row row = rows.iterator().next();
            UUID[] announcedIds = row.getArrayOfUUIDs("announced_ids");
            return new Announced(row.getLong("announced"), row.getLong("queued"),
                    announcedIds == null ? List.of() : List.of(announcedIds));
        });
    }

    /** Deletes up to {@code limit} batches created before {@code retention} ago that have no jobs and no pending event left; emits how many. */
    public Uni<Integer> purgeEmptied(Duration retention, int limit) {
        return pool.preparedQuery(PURGE_EMPTIED).execute(Tuple.of(JobStore.seconds(retention), limit)).map(RowSet::rowCount);
    }

    /**
     * A batch with its jobs counted by status (jobs removed by retention are no longer counted).
     *
     * @param statusUrl where the batch's summary is read, or null once retention has removed all its jobs
     */
    public record Summary(UUID id, int size, OffsetDateTime createdAt, Map<String, Long> counts, String statusUrl) {
    }

    /** The batch's summary, or null when there is no such batch. */
    public Uni<Summary> summary(UUID batchId) {
        return pool.preparedQuery(SUMMARY).execute(Tuple.of(batchId)).map(rows -> {
            if (rows.size() == 0) {
                return null;
            }
            Row first = rows.iterator().next();
            Map<String, Long> counts = new LinkedHashMap<>();
            for (Row row : rows) {
                if (row.getString("status") != null) {
                    counts.put(row.getString("status"), row.getLong("n"));
                }
            }
            return new Summary(first.getUUID("id"), first.getInteger("size"), first.getOffsetDateTime("created_at"), counts,
                    first.getString("status_url"));
        });
    }
}
