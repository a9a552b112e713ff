package dev.asyncgateway.queue;

import io.smallrye.mutiny.Uni;

/**
 * A worker that claims queue rows under a lease (jobs, deliveries): what graceful shutdown and
 * {@code POST /admin/drain} need from it, whatever it works on.
 */
public interface QueueWorker {

    /** What it works on, for logs: "job", "delivery". */
    String workName();

    /** Claims once now, and again while claims find work. */
    void wake();

    /** Claims no more; work in flight goes on. */
    void stopClaiming();

    /** Rows whose HTTP exchange is running on this instance (their slots). */
    int inFlight();

    /** True when no claim statement is running, nothing is in flight and no outcome waits to be stored. */
    boolean idle();

    /**
     * Hands what is still in flight back to the queue, due at once, so another instance takes it without
     * waiting for the lease; the abandoned attempt's late outcome is then ignored. Emits how many.
     */
    Uni<Integer> releaseUnfinished();
}
