package dev.asyncgateway.job;

import dev.asyncgateway.account.AccountService;
import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.observability.GatewayMetrics;
import dev.asyncgateway.store.JobRow;
import dev.asyncgateway.store.JobStore;
import dev.asyncgateway.runner.JobsEnded;
import dev.asyncgateway.store.StateChange;
import dev.asyncgateway.queue.WakeUpSignal;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.UUID;

/**
 * Cancels a job that has not ended: it ends {@code failed} with {@code failReason:"cancelled"}.
 * Cancelling an ended job changes nothing and answers its current state, so retries are harmless.
 */
@ApplicationScoped
public class JobCancellationService {

    private static final Logger LOG = Logger.getLogger(JobCancellationService.class);

    @Inject
    AccountService accounts;

    @Inject
    JobQueryService queries;

    @Inject
    JobStore store;

    @Inject
    GatewayConfig config;

    @Inject
    GatewayMetrics metrics;

    @Inject
    Event<JobsEnded> jobsEnded;

    @Inject
    WakeUpSignal wakeUp;

    public Uni<JobRow> cancel(UUID jobId, String apiKey) {
        return accounts.authenticate(apiKey).chain(accountId -> cancelOwned(jobId, accountId));
    }

    /** The same for a caller that has already resolved its account (the console). */
    public Uni<JobRow> cancelOwned(UUID jobId, UUID accountId) {
        return queries.getOwned(jobId, accountId)
                .chain(job -> job.isRunning() ? cancelRunning(job) : Uni.createFrom().item(job));
    }

    private Uni<JobRow> cancelRunning(JobRow job) {
        return store.cancel(job.id(), job.accountId(), config.callback().maxAttempts())
                .invoke(changes -> changes.forEach(change -> {
                    LOG.infof("job %s failed: cancelled (callback queued: %s)", change.jobId(), change.callbackQueued());
                    metrics.jobEnded(change);
                }))
                .invoke(changes -> {
                    if (changes.stream().anyMatch(StateChange::callbackQueued)) {
                        wakeUp.deliveriesAdded();
                    }
                    jobsEnded.fire(new JobsEnded(changes));
                })
                .chain(() -> queries.get(job.id()));
    }
}
