package dev.asyncgateway.job;

import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.queue.WakeUpSignal;
import dev.asyncgateway.store.JobRow;
import dev.asyncgateway.store.JobStore;
import dev.asyncgateway.store.JobsEnded;
import dev.asyncgateway.store.StateChange;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import java.util.UUID;

/**
 * Cancels a job that has not ended: it ends {@code failed} with {@code failReason:"cancelled"}.
 * Cancelling an ended job changes nothing and answers its current state, so retries are harmless.
 */
@ApplicationScoped
public class JobCancellationService {

    @Inject
    JobQueryService queries;

    @Inject
    JobStore store;

    @Inject
    GatewayConfig config;

    @Inject
    Event<JobsEnded> jobsEnded;

    @Inject
    WakeUpSignal wakeUp;

    /** Cancels the job of this account; another account's job answers 404 like a missing one. */
    public Uni<JobRow> cancel(UUID jobId, UUID accountId) {
        return queries.getOwned(jobId, accountId)
                .chain(job -> job.isRunning() ? cancelRunning(job) : Uni.createFrom().item(job));
    }

    private Uni<JobRow> cancelRunning(JobRow job) {
        return store.cancel(job.id(), job.accountId(), config.callback().maxAttempts())
                .invoke(changes -> {
                    if (changes.stream().anyMatch(StateChange::callbackQueued)) {
                        wakeUp.deliveriesAdded();
                    }
                    jobsEnded.fire(new JobsEnded(changes));
                })
                .chain(() -> queries.get(job.id()));
    }
}
