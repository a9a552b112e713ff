package dev.asyncgateway.runner;

import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.observability.GatewayMetrics;
import dev.asyncgateway.store.JobOutcome;
import dev.asyncgateway.store.JobStore;
import dev.asyncgateway.store.StateChange;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Records fetch outcomes with group commit: while one completion statement runs, outcomes queue up
 * and the next statement writes them all. No timer is involved, so a lone outcome is written at once
 * and a busy runner writes hundreds per round trip.
 */
@ApplicationScoped
public class JobCompletion {

    private static final Logger LOG = Logger.getLogger(JobCompletion.class);
    private static final long RETRY_DELAY_MS = 1000;

    @Inject
    JobStore store;

    @Inject
    GatewayConfig config;

    @Inject
    WakeUpSignal wakeUp;

    @Inject
    Vertx vertx;

    @Inject
    GatewayMetrics metrics;

    private final List<Pending> queue = new ArrayList<>();
    private boolean writing;

    private record Pending(JobOutcome outcome, CompletableFuture<Void> done) {
    }

    /** Completes when the outcome is stored (or known to be moot because the lease was lost). */
    public Uni<Void> record(JobOutcome outcome) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        boolean start;
        synchronized (this) {
            queue.add(new Pending(outcome, done));
            start = !writing;
            writing = true;
        }
        if (start) {
            writeNext();
        }
        return Uni.createFrom().completionStage(done);
    }

    private void writeNext() {
        List<Pending> batch;
        synchronized (this) {
            if (queue.isEmpty()) {
                writing = false;
                return;
            }
            int n = Math.min(queue.size(), config.runner().completionBatchSize());
            batch = new ArrayList<>(queue.subList(0, n));
            queue.subList(0, n).clear();
        }
        List<JobOutcome> outcomes = batch.stream().map(Pending::outcome).toList();
        store.complete(outcomes, config.callback().maxAttempts()).subscribe().with(
                changes -> {
                    announce(changes);
                    batch.forEach(p -> p.done().complete(null));
                    writeNext();
                },
                failure -> {
                    // Typically the database is away: keep the outcomes and try again. Should this
                    // instance die first, the jobs' leases expire and they are fetched again.
                    LOG.warnf("cannot record %d job outcome(s), retrying: %s", batch.size(), failure.toString());
                    synchronized (this) {
                        queue.addAll(0, batch);
                    }
                    vertx.setTimer(RETRY_DELAY_MS, id -> writeNext());
                });
    }

    private void announce(List<StateChange> changes) {
        boolean callbacks = false;
        for (StateChange change : changes) {
            if (change.ended()) {
                LOG.infof("job %s %s%s%s", change.jobId(), change.status(),
                        change.failReason() == null ? "" : ": " + change.failReason(),
                        change.callbackQueued() ? ", callback queued" : "");
                metrics.jobEnded(change);
            }
            callbacks |= change.callbackQueued();
        }
        if (callbacks) {
            wakeUp.deliveriesAdded();
        }
    }
}
