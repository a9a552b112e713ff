package dev.asyncgateway.callback;

import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.observability.JobTraces;
import dev.asyncgateway.queue.GracefulShutdown;
import dev.asyncgateway.queue.WakeUpSignal;
import dev.asyncgateway.store.BatchStore;
import dev.asyncgateway.store.JobsEnded;
import dev.asyncgateway.store.StateChange;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Announces {@code batch-finished} once every job of a batch has ended. Checked right after a statement
 * ends batch jobs (after it committed, so every instance's last word is visible), and by a periodic sweep
 * for a check that a crash prevented.
 */
@ApplicationScoped
public class BatchFinishedAnnouncer {

    private static final Logger LOG = Logger.getLogger(BatchFinishedAnnouncer.class);

    @Inject
    BatchStore store;

    @Inject
    GatewayConfig config;

    @Inject
    WakeUpSignal wakeUp;

    @Inject
    JobTraces traces;

    @Inject
    GracefulShutdown shutdown;

    /** Checks the batches of the jobs that a statement ended; an announced one gets its event in the batch's trace. */
    void jobsEnded(@Observes JobsEnded event) {
        Map<UUID, String> traceContexts = new HashMap<>();
        for (StateChange change : event.changes()) {
            if (change.ended() && change.batchId() != null) {
                traceContexts.putIfAbsent(change.batchId(), change.traceContext());
            }
        }
        if (!traceContexts.isEmpty()) {
            announce(traceContexts.keySet()).subscribe().with(
                    announced -> announced.ids().forEach(id -> traces.batchFinished(traceContexts.get(id), id)),
                    failure -> LOG.warnf("cannot check batches for completion, the sweep will: %s", failure.toString()));
        }
    }

    @Scheduled(every = "${gateway.callback.batch-sweep-interval:30s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        if (!config.runner().enabled()) {
            return Uni.createFrom().voidItem();
        }
        return shutdown.periodic("the sweep for finished batches", this::sweepRounds);
    }

    private Uni<Void> sweepRounds() {
        int limit = config.callback().batchSweepSize();
        return announce(null).chain(announced -> announced.batches() == limit ? sweepRounds() : Uni.createFrom().voidItem());
    }

    private Uni<BatchStore.Announced> announce(Collection<UUID> batchIds) {
        int limit = batchIds == null ? config.callback().batchSweepSize() : batchIds.size();
        return store.announceFinished(batchIds, limit, config.callback().maxAttempts()).invoke(announced -> {
            if (announced.batches() > 0) {
                LOG.infof("%d batch(es) finished, %d batch-finished event(s) queued", announced.batches(), announced.events());
            }
            if (announced.events() > 0) {
                wakeUp.deliveriesAdded();
            }
        });
    }
}
