package dev.asyncgateway.queue;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The claim loop that jobs and deliveries share: one claim statement at a time, never more rows than
 * free slots, woken by signals and a slow fallback poll, claiming again at once while a claim may have
 * left work behind, and each row's lease remembered until its outcome is stored. A slot is held by a row's
 * HTTP exchange, not by the storing of its outcome: it is free for the next claim as soon as the exchange is
 * over. Rows stored already leased to this instance skip the claim: their slots are reserved before they are
 * stored (see {@link #reserve}). Each claim is issued from the next event loop's context ({@link EventLoopRotation}),
 * so its rows' attempts run there: successive claims spread the work over all the loops.
 *
 * @param <T> a claimed row
 */
public abstract class ClaimLoop<T> implements QueueWorker {

    private static final Logger LOG = Logger.getLogger(ClaimLoop.class);

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean claiming = new AtomicBoolean();
    private final AtomicBoolean wakeRequested = new AtomicBoolean();
    private final Map<UUID, UUID> leases = new ConcurrentHashMap<>();
    /** Whether the last claim may have left due rows behind (it came back full, or could not run). */
    private volatile boolean backlog = true;
    private volatile boolean running;
    private Vertx vertx;
    /** The contexts claims are issued from, one loop after the other. */
    private EventLoopRotation loops;
    private long pollTimer = -1;

    /** How many rows may be in flight at once on this instance. */
    protected abstract int capacity();

    /** How many rows may be in flight for {@link #reserve} to take a slot: the capacity, unless a subclass needs fewer. */
    protected int reservable() {
        return capacity();
    }

    /** Claims up to {@code free} due rows. */
    protected abstract Uni<List<T>> claim(int free);

    /** Whether due rows may be left after a claim that returned these, so the loop claims again at once. */
    protected abstract boolean mayHaveMore(List<T> claimed, int free);

    /**
     * Whether the end of this row's exchange may let a claim take rows that a cap counted on this instance held
     * back, though the last claim left none behind otherwise.
     */
    protected boolean mayFreeHeldBackRows(T row) {
        return false;
    }

    /** The same once this row's outcome is stored, for a cap counted in the database (by leased rows). */
    protected boolean mayFreeHeldBackRowsOnceRecorded(T row) {
        return false;
    }

    /**
     * One attempt on a claimed row; completes when its outcome is recorded. Calls {@code exchanged} as soon as its
     * network exchange is over: the row's slot is then free for the next claim while the outcome is still being
     * recorded (its lease is kept until then).
     */
    protected abstract Uni<Void> run(T row, Runnable exchanged);

    protected abstract UUID id(T row);

    protected abstract UUID leaseToken(T row);

    /** Hands these leased rows back to the queue, due at once; emits how many. */
    protected abstract Uni<Integer> release(Map<UUID, UUID> leasesById);

    /** Called when a row is claimed and when its slot is free again, for bookkeeping beyond the count. */
    protected void onStart(T row) {
    }

    protected void onFinish(T row) {
    }

    /** Starts claiming: on each signal of {@code channel}, every {@code pollInterval}, and once now. */
    protected void startLoop(Vertx vertx, WakeUpSignal wakeUp, String channel, Duration pollInterval) {
        this.vertx = vertx;
        loops = new EventLoopRotation(vertx.getDelegate());
        running = true;
        wakeUp.onSignal(channel, this::wake);
        pollTimer = vertx.setPeriodic(pollInterval.toMillis(), id -> wake());
        wake();
    }

    /** The leases of the rows in flight, by row id. */
    protected Map<UUID, UUID> leases() {
        return leases;
    }

    @Override
    public void stopClaiming() {
        running = false;
        if (vertx != null) {
            vertx.cancelTimer(pollTimer);
        }
    }

    @Override
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public boolean idle() {
        return inFlight.get() == 0 && leases.isEmpty() && !claiming.get();
    }

    /**
     * Takes a free slot for a row that this instance leases to itself as it stores it, so the row starts without
     * a claim. Refused when no slot is free, while a claim runs, and while the last claim may have left due rows
     * behind: a new row must not overtake due ones. {@link #startReserved} then uses the slot or hands it back.
     */
    public boolean reserve() {
        if (!running || backlog) {
            return false;
        }
        // Counted before looking at the claim: a claim that starts meanwhile either sees this slot taken or is seen here.
        if (inFlight.incrementAndGet() > reservable() || claiming.get()) {
            inFlight.decrementAndGet();
            return false;
        }
        return true;
    }

    /**
     * Runs the rows leased to this instance as they were stored, in slots {@link #reserve} took for them, and hands
     * back the slots of the other reservations (their rows were stored due, or not at all).
     */
    public void startReserved(List<T> leased, long reservations) {
        leased.forEach(this::launch);
        for (long i = leased.size(); i < reservations; i++) {
            cancelReservation();
        }
    }

    /** Hands back a slot {@link #reserve} took; like the end of an attempt, it may be what due rows wait for. */
    public void cancelReservation() {
        inFlight.decrementAndGet();
        if (backlog) {
            wake();
        }
    }

    @Override
    public Uni<Integer> releaseUnfinished() {
        return release(Map.copyOf(leases));
    }

    @Override
    public void wake() {
        wakeRequested.set(true);
        if (running && claiming.compareAndSet(false, true)) {
            claimOnce();
        }
    }

    private void claimOnce() {
        wakeRequested.set(false);
        int free = capacity() - inFlight.get();
        if (free <= 0 || !running) {
            backlog = true;
            claiming.set(false);
            return;
        }
        loops.next().runOnContext(ignored -> claim(free).subscribe().with(
                rows -> {
                    // Mutiny drops what this callback throws: the loop state must be reset whatever happens here.
                    try {
                        rows.forEach(this::start);
                    } finally {
                        backlog = mayHaveMore(rows, free);
                        claiming.set(false);
                    }
                    if (backlog || wakeRequested.get()) {
                        wake();
                    }
                },
                failure -> {
                    LOG.warnf("cannot claim %ss, the fallback poll will try again: %s", workName(), failure.toString());
                    backlog = true;
                    claiming.set(false);
                }));
    }

    private void start(T row) {
        inFlight.incrementAndGet();
        launch(row);
    }

    private void launch(T row) {
        leases.put(id(row), leaseToken(row));
        onStart(row);
        AtomicBoolean slotHeld = new AtomicBoolean(true);
        Runnable releaseSlot = () -> {
            if (slotHeld.compareAndSet(true, false)) {
                freeSlot(row);
            }
        };
        // Rows whose outcomes wait to be stored are bounded too: past the capacity's worth, a slot waits for its outcome.
        Runnable exchanged = () -> {
            if (leases.size() <= 2 * capacity()) {
                releaseSlot.run();
            }
        };
        // Deferred: an exception thrown while starting the attempt is that row's crash, not the claim loop's.
        Uni.createFrom().deferred(() -> run(row, exchanged)).subscribe().with(
                ignored -> recorded(row, releaseSlot),
                failure -> {
                    LOG.errorf(failure, "%s %s attempt crashed; it runs again when its lease expires", workName(), id(row));
                    recorded(row, releaseSlot);
                });
    }

    /** A freed slot needs a claim only if due rows may wait for it: new rows, retries and other instances wake the loop themselves. */
    private void freeSlot(T row) {
        onFinish(row);
        inFlight.decrementAndGet();
        if (backlog || mayFreeHeldBackRows(row)) {
            wake();
        }
    }

    /** The outcome is stored: the lease is no longer ours to hand back, and rows held back until then may be claimed. */
    private void recorded(T row, Runnable releaseSlot) {
        // Only this attempt's lease: after a lapse this instance may have claimed the row again, under a new one.
        leases.remove(id(row), leaseToken(row));
        releaseSlot.run();
        if (mayFreeHeldBackRowsOnceRecorded(row)) {
            wake();
        }
    }
}
