package dev.asyncgateway.runner;

import dev.asyncgateway.callback.BatchFinishedAnnouncer;
import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.observability.GatewayMetrics;
import dev.asyncgateway.store.GroupCommit;
import dev.asyncgateway.store.JobOutcome;
import dev.asyncgateway.store.JobStore;
import dev.asyncgateway.store.StateChange;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * Records fetch outcomes with group commit (see {@link GroupCommit}), and announces what ended:
 * queued callbacks wake the delivery workers, ended batch jobs let the batch be announced.
 */
@ApplicationScoped
public class JobCompletion {

    private static final Logger LOG = Logger.getLogger(JobCompletion.class);

    @Inject
    JobStore store;

    @Inject
    GatewayConfig config;

    @Inject
    WakeUpSignal wakeUp;

    @Inject
    BatchFinishedAnnouncer batches;

    @Inject
    Vertx vertx;

    @Inject
    GatewayMetrics metrics;

    private GroupCommit<JobOutcome> commits;

    @PostConstruct
    void createGroupCommit() {
        commits = GroupCommit.retrying("job outcome", config.runner().completionBatchSize(),
                outcomes -> store.complete(outcomes, config.callback().maxAttempts()).invoke(this::announce), vertx);
    }

    /** Completes when the outcome is stored (or known to be moot because the lease was lost). */
    public Uni<Void> record(JobOutcome outcome) {
        return commits.submit(outcome);
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
        batches.jobsEnded(changes);
    }
}
