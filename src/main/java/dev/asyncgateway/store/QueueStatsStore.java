package dev.asyncgateway.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Read-only statistics of the job and delivery queues, for gauges and for draining. */
@ApplicationScoped
public class QueueStatsStore {

    /**
     * One round trip. Every sub-select stays on the partial indexes {@code job_due_idx} and
     * {@code delivery_due_idx} (they hold only unended rows), and the oldest due row is the first entry of
     * the index range, so the cost follows the queue length, never the table size.
     */
    private static final String SNAPSHOT = """
            select
              (select count(*) from job where status = 'running') as jobs_queued,
              (select count(*) from job where status = 'running' and due_at <= now()) as jobs_due,
              (select extract(epoch from now() - min(due_at)) from job
                 where status = 'running' and due_at <= now()) as oldest_job_age,
              (select count(*) from delivery where status = 'pending') as deliveries_queued,
              (select count(*) from delivery where status = 'pending' and due_at <= now()) as deliveries_due,
              (select extract(epoch from now() - min(due_at)) from delivery
                 where status = 'pending' and due_at <= now()) as oldest_delivery_age""";

    @Inject
    Pool pool;

    public Uni<QueueSnapshot> snapshot() {
        return pool.preparedQuery(SNAPSHOT).execute().map(rows -> {
            Row row = rows.iterator().next();
            return new QueueSnapshot(row.getLong("jobs_queued"), row.getLong("jobs_due"), seconds(row, "oldest_job_age"),
                    row.getLong("deliveries_queued"), row.getLong("deliveries_due"), seconds(row, "oldest_delivery_age"));
        });
    }

    private static double seconds(Row row, String column) {
        Number value = (Number) row.getValue(column);
        return value == null ? 0 : value.doubleValue();
    }
}
