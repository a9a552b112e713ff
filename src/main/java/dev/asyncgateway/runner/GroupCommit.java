package dev.asyncgateway.runner;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Writes items with group commit: while one statement runs, items queue up and the next statement
 * writes them all. No timer is involved, so a lone item is written at once and a busy worker writes
 * hundreds per round trip. A failed write (typically: the database is away) is retried with the same
 * items; should this instance die first, the leases of the work they describe expire and it runs again.
 *
 * @param <T> what one item records, e.g. a job's or a delivery's outcome
 */
public final class GroupCommit<T> {

    private static final Logger LOG = Logger.getLogger(GroupCommit.class);
    private static final long RETRY_DELAY_MS = 1000;

    private final String what;
    private final int maxBatch;
    private final Function<List<T>, Uni<?>> write;
    private final Vertx vertx;
    private final List<Pending<T>> queue = new ArrayList<>();
    private boolean writing;

    private record Pending<T>(T item, CompletableFuture<Void> done) {
    }

    /**
     * @param what     names the items in log lines, e.g. "job outcome"
     * @param maxBatch most items one write gets
     * @param write    stores a batch of items; the items count as written when its Uni completes
     */
    public GroupCommit(String what, int maxBatch, Function<List<T>, Uni<?>> write, Vertx vertx) {
        this.what = what;
        this.maxBatch = maxBatch;
        this.write = write;
        this.vertx = vertx;
    }

    /** Completes when the item is written. */
    public Uni<Void> submit(T item) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        boolean start;
        synchronized (this) {
            queue.add(new Pending<>(item, done));
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
        write.apply(batch.stream().map(Pending::item).toList()).subscribe().with(
                ignored -> {
                    batch.forEach(p -> p.done().complete(null));
                    writeNext();
                },
                failure -> {
                    LOG.warnf("cannot record %d %s(s), retrying: %s", batch.size(), what, failure.toString());
                    synchronized (this) {
                        queue.addAll(0, batch);
                    }
                    vertx.setTimer(RETRY_DELAY_MS, id -> writeNext());
                });
    }
}
