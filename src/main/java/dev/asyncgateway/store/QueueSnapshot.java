package dev.asyncgateway.store;

/**
 * The queues at one moment. "Queued" counts everything not yet ended (due, leased, or waiting for a
 * retry); "due" counts what waits for a free slot right now; ages are 0 when nothing is due.
 */
public record QueueSnapshot(long jobsQueued, long jobsDue, double oldestDueJobAgeSeconds,
                            long deliveriesQueued, long deliveriesDue, double oldestDueDeliveryAgeSeconds) {

    public boolean nothingDue() {
        return jobsDue == 0 && deliveriesDue == 0;
    }
}
