package dev.asyncgateway.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.UUID;

/** Screenshots of rendered jobs, one per job, deleted with their job. */
@ApplicationScoped
public class ScreenshotStore {

    /** Only while this attempt still holds the job's lease: an attempt that lost its job stores nothing. */
    private static final String SAVE = """
            insert into job_screenshot (job_id, png)
            select id, $3 from job where id = $1 and lease_token = $2 and status = 'running'
            on conflict (job_id) do update set png = excluded.png, created_at = now()""";

    private static final String FIND = "select png from job_screenshot where job_id = $1";

    @Inject
    Pool pool;

    /** Stores the screenshot; emits whether it was stored (false when the lease was lost). */
    public Uni<Boolean> save(UUID jobId, UUID leaseToken, byte[] png) {
        return pool.preparedQuery(SAVE).execute(Tuple.of(jobId, leaseToken, io.vertx.core.buffer.Buffer.buffer(png))).map(rows -> rows.rowCount() == 1);
    }

    /** The job's screenshot, or null. */
    public Uni<byte[]> find(UUID jobId) {
        return pool.preparedQuery(FIND).execute(Tuple.of(jobId)).map(ScreenshotStore::png);
    }

    private static byte[] png(RowSet<io.vertx.mutiny.sqlclient.Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? it.next().getBuffer("png").getBytes() : null;
    }
}
