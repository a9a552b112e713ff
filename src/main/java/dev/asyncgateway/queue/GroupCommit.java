package dev.asyncgateway.queue;

import dev.asyncgateway.store.DatabaseFailures;
import dev.asyncgateway.common.PeerText;
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
 * A failed write is either an outage (see {@link DatabaseFailures#isUnreachable}), which says nothing about the
 * items, or a refusal of something in them. A refused batch is halved, and the halves written on their own,
 * until each item that cannot be stored stands alone (a few writes per bad item, however big the batch): the
 * others are written as they are, and the bad item never joins a batch again. Which of those ends a caller's
 * wait depends on the items: {@link #retryingOutages} keeps work whose lease protects it, {@link #failing} hands
 * every failure to callers who can still answer their client.
 *
 * @param <T> what one item records, e.g. a job's outcome or a new job
 */
public final class GroupCommit<T> {

    private static final Logger LOG = Logger.getLogger(GroupCommit.class);
    private static final long RETRY_DELAY_MS = 1000;

    private final String what;
    private final int maxBatch;
    private final Function<List<T>, Uni<?>> write;
    private final Poison<T> poison;
    private final Vertx retryTimer;
    private final List<Pending<T>> queue = new ArrayList<>();
    private boolean writing;
    /** Whether the last write found the database unreachable: an outage is logged when it starts and ends, not every second. */
    private volatile boolean waitingForDatabase;

    /**
     * What a commit that retries outages does with an item no write can store: refusing it again would only
     * refuse it forever.
     *
     * @param id       names the item in the one log line about it, e.g. a job's id (never its content)
     * @param fallback stores what can still be stored of the item instead (the caller's wait ends when it completes;
     *                 should it fail too, the caller fails)
     */
    public record Poison<T>(Function<T, Object> id, Function<T, Uni<?>> fallback) {
    }

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

    private GroupCommit(String what, int maxBatch, Function<List<T>, Uni<?>> write, Poison<T> poison, Vertx retryTimer) {
        this.what = what;
        this.maxBatch = maxBatch;
        this.write = write;
        this.poison = poison;
        this.retryTimer = retryTimer;
    }

    /**
     * Callers wait until their item is stored: while the database is unreachable, its batch is written again every
     * second; an item that the database refuses is settled by {@code poison} instead, and logged once.
     *
     * @param what     names the items in log lines, e.g. "job outcome"
     * @param maxBatch most items one write gets
     * @param write    stores a batch of items; the items count as written when its Uni completes
     */
    public static <T> GroupCommit<T> retryingOutages(String what, int maxBatch, Function<List<T>, Uni<?>> write,
                                                     Poison<T> poison, Vertx vertx) {
        return new GroupCommit<>(what, maxBatch, write, poison, vertx);
    }

    /** A failed write fails its callers: during an outage every caller of the batch, otherwise the caller of each bad item. */
    public static <T> GroupCommit<T> failing(String what, int maxBatch, Function<List<T>, Uni<?>> write) {
        return new GroupCommit<>(what, maxBatch, write, null, null);
    }

    /** Completes when the item is written (or, for an item no write can store, settled). */
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
        write(batch).subscribe().with(
                ignored -> {
                    written(batch);
                    writeNext();
                },
                failure -> {
                    if (DatabaseFailures.isUnreachable(failure) && retryTimer != null) {
                        unreachable(batch.size(), failure);
                        synchronized (this) {
                            queue.addAll(0, batch);
                        }
                        retryTimer.setTimer(RETRY_DELAY_MS, id -> writeNext());
                        return;
                    }
                    refused(batch, failure);
                    writeNext();
                });
    }

    /** Writes part of a refused batch on its own, beside the queue. */
    private void writeAlone(List<Pending<T>> part) {
        write(part).subscribe().with(ignored -> written(part), failure -> {
            if (DatabaseFailures.isUnreachable(failure) && retryTimer != null) {
                unreachable(part.size(), failure);
                requeue(part);
            } else {
                refused(part, failure);
            }
        });
    }

    private void refused(List<Pending<T>> items, Throwable failure) {
        if (DatabaseFailures.isUnreachable(failure)) {
            items.forEach(pending -> pending.fail(failure));
        } else if (items.size() == 1) {
            poisoned(items.get(0), failure);
        } else {
            int half = items.size() / 2;
            writeAlone(List.copyOf(items.subList(0, half)));
            writeAlone(List.copyOf(items.subList(half, items.size())));
        }
    }

    private void poisoned(Pending<T> pending, Throwable failure) {
        if (poison == null) {
            pending.fail(failure);
            return;
        }
        Object id = poison.id().apply(pending.item());
        LOG.warnf("%s %s cannot be stored, settling it instead: %s", what, id, describe(failure));
        Uni.createFrom().deferred(() -> poison.fallback().apply(pending.item())).subscribe().with(
                ignored -> pending.succeed(),
                fallbackFailure -> {
                    LOG.errorf("%s %s cannot be settled either: %s", what, id, describe(fallbackFailure));
                    pending.fail(fallbackFailure);
                });
    }

    /** Items that wait for the database go back to the head of the queue; the writer, if idle, starts again a second later. */
    private void requeue(List<Pending<T>> items) {
        boolean start;
        synchronized (this) {
            queue.addAll(0, items);
            start = !writing;
            writing = true;
        }
        if (start) {
            retryTimer.setTimer(RETRY_DELAY_MS, id -> writeNext());
        }
    }

    private void written(List<Pending<T>> items) {
        if (waitingForDatabase) {
            waitingForDatabase = false;
            LOG.infof("the database is reachable again; %ss are stored", what);
        }
        items.forEach(Pending::succeed);
    }

    private void unreachable(int waiting, Throwable failure) {
        if (!waitingForDatabase) {
            waitingForDatabase = true;
            LOG.warnf("cannot store %d %s(s) while the database is unreachable, trying again every second: %s",
                    waiting, what, describe(failure));
        } else {
            LOG.debugf("database still unreachable, %d %s(s) wait: %s", waiting, what, failure.toString());
        }
    }

    /** The write, with an exception thrown while building it turned into a failure: the queue must never stall. */
    private Uni<?> write(List<Pending<T>> batch) {
        List<T> items = new ArrayList<>(batch.size());
        for (Pending<T> pending : batch) {
            items.add(pending.item());
        }
        return Uni.createFrom().deferred(() -> write.apply(items));
    }

    /** A database error may quote what it refused: bounded and cleaned before it is logged. */
    private static String describe(Throwable failure) {
        return PeerText.line(failure.toString(), PeerText.ERROR_MAX_BYTES);
    }
}
