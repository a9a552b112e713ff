package dev.asyncgateway.store;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.mutiny.core.Vertx;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Writes items with group commit: while one statement runs, items queue up and the next statement
 * writes them all. No timer is involved, so a lone item is written at once and a busy writer writes
 * hundreds per round trip. Each caller resumes on its own Vert.x context, not on the one that ran the write.
 * <p>
 * What a failed write means depends on the items: {@link #retrying} keeps work whose lease protects it
 * (should this instance die first, the lease expires and the work runs again); {@link #failing} hands the
 * failure to callers who can still answer their client.
 *
 * @param <T> what one item records, e.g. a job's outcome or a new job
 */
public final class GroupCommit<T> {

    private static final Logger LOG = Logger.getLogger(GroupCommit.class);
    private static final long RETRY_DELAY_MS = 1000;

    private final String what;
    private final int maxBatch;
    private final Function<List<T>, Uni<?>> write;
    private final Vertx retryTimer;
    private final List<Pending<T>> queue = new ArrayList<>();
    private boolean writing;

    private record Pending<T>(T item, CompletableFuture<Void> done, Context context) {

        void succeed() {
            resume(() -> done.complete(null));
        }

        void fail(Throwable failure) {
            resume(() -> done.completeExceptionally(failure));
        }

        private void resume(Runnable completion) {
            if (context == null || context == io.vertx.core.Vertx.currentContext()) {
                completion.run();
            } else {
                context.runOnContext(ignored -> completion.run());
            }
        }
    }

    private GroupCommit(String what, int maxBatch, Function<List<T>, Uni<?>> write, Vertx retryTimer) {
        this.what = what;
        this.maxBatch = maxBatch;
        this.write = write;
        this.retryTimer = retryTimer;
    }

    /**
     * A failed write (typically: the database is away) is retried with the same items, a second later,
     * until it succeeds; callers wait.
     *
     * @param what     names the items in log lines, e.g. "job outcome"
     * @param maxBatch most items one write gets
     * @param write    stores a batch of items; the items count as written when its Uni completes
     */
    public static <T> GroupCommit<T> retrying(String what, int maxBatch, Function<List<T>, Uni<?>> write, Vertx vertx) {
        return new GroupCommit<>(what, maxBatch, write, vertx);
    }

    /**
     * A failed write fails its callers. During an outage that is every caller of the batch; a batch that
     * failed for any other reason is written again item by item, so one bad item fails only its own caller.
     */
    public static <T> GroupCommit<T> failing(String what, int maxBatch, Function<List<T>, Uni<?>> write) {
        return new GroupCommit<>(what, maxBatch, write, null);
    }

    /** Completes when the item is written. */
    public Uni<Void> submit(T item) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        boolean start;
        synchronized (this) {
            queue.add(new Pending<>(item, done, io.vertx.core.Vertx.currentContext()));
            start = !writing;
            writing = true;
        }
        if (start) {
            writeNext();
        }
        return Uni.createFrom().completionStage(done);
    }

    private void writeNext() {
        List<Pending<T>> batch;
        synchronized (this) {
            if (queue.isEmpty()) {
                writing = false;
                return;
            }
            int n = Math.min(queue.size(), maxBatch);
            batch = new ArrayList<>(queue.subList(0, n));
            queue.subList(0, n).clear();
        }
        write(batch.stream().map(Pending::item).toList()).subscribe().with(
                ignored -> {
                    batch.forEach(Pending::succeed);
                    writeNext();
                },
                failure -> {
                    if (retryTimer != null) {
                        requeue(batch, failure);
                    } else {
                        fail(batch, failure);
                        writeNext();
                    }
                });
    }

    /** The write, with an exception thrown while building it turned into a failure: the queue must never stall. */
    private Uni<?> write(List<T> items) {
        return Uni.createFrom().deferred(() -> write.apply(items));
    }

    private void requeue(List<Pending<T>> batch, Throwable failure) {
        LOG.warnf("cannot record %d %s(s), retrying: %s", batch.size(), what, failure.toString());
        synchronized (this) {
            queue.addAll(0, batch);
        }
        retryTimer.setTimer(RETRY_DELAY_MS, id -> writeNext());
    }

    private void fail(List<Pending<T>> batch, Throwable failure) {
        if (batch.size() == 1 || DatabaseFailures.isUnreachable(failure)) {
            batch.forEach(pending -> pending.fail(failure));
            return;
        }
        LOG.debugf("a write of %d %s(s) failed (%s); writing them one by one", batch.size(), what, failure.toString());
        for (Pending<T> pending : batch) {
            write(List.of(pending.item())).subscribe().with(ignored -> pending.succeed(), pending::fail);
        }
    }
}
