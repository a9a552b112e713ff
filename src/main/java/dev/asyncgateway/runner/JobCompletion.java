package dev.asyncgateway.runner;

import dev.asyncgateway.config.ConsoleConfig;
import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.observability.GatewayMetrics;
import dev.asyncgateway.queue.ClaimLoop;
import dev.asyncgateway.queue.GracefulShutdown;
import dev.asyncgateway.queue.GroupCommit;
import dev.asyncgateway.queue.WakeUpSignal;
import dev.asyncgateway.store.ClaimedDelivery;
import dev.asyncgateway.store.JobOutcome;
import dev.asyncgateway.store.JobStore;
import dev.asyncgateway.store.JobsEnded;
import dev.asyncgateway.store.StateChange;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Records fetch outcomes with group commit (see {@link GroupCommit}) and fires {@link JobsEnded} for what ended;
 * queued callbacks wake the delivery workers. While the delivery workers have a free slot, an ending job's callback
 * is stored leased to them and sent at once.
 * <p>
 * An outcome the database refuses (a result no statement can store) ends its job {@code failed} with
 * {@value #RESULT_NOT_STORABLE} instead: retrying it could only keep the job running, its lease renewed, forever.
 */
@ApplicationScoped
public class JobCompletion {

    static final String RESULT_NOT_STORABLE = "result_not_storable";

    @Inject
    JobStore store;

    @Inject
    GatewayConfig config;

    @Inject
    ConsoleConfig consoleConfig;

    @Inject
    WakeUpSignal wakeUp;

    @Inject
    Event<JobsEnded> jobsEnded;

    /** The delivery workers (callback layer), known here only as a claim loop whose slots an ending job may take. */
    @Inject
    ClaimLoop<ClaimedDelivery> deliveries;

    @Inject
    Vertx vertx;

    @Inject
    GatewayMetrics metrics;

    @Inject
    GracefulShutdown shutdown;

    private GroupCommit<JobOutcome> commits;

    @PostConstruct
    void createGroupCommit() {
        commits = GroupCommit.retryingOutages("job outcome", config.runner().completionBatchSize(), this::write,
                new GroupCommit.Poison<>(JobOutcome::jobId, outcome -> write(List.of(notStorable(outcome)))), vertx);
    }

    /**
     * Completes when the outcome is stored (or known to be moot because the lease was lost); fails only when not even
     * {@link #RESULT_NOT_STORABLE} could be stored, and then the job runs again once its lease expires. After the shutdown
     * handed the leases back it is moot (see {@link GracefulShutdown#handedBack}).
     */
    public Uni<Void> record(JobOutcome outcome) {
        if (shutdown.handedBack()) {
            return Uni.createFrom().voidItem();
        }
        boolean sendCallbackAtOnce = outcome.endsJob() && deliveries.reserve();
        return commits.submit(sendCallbackAtOnce ? outcome.withCallbackLease(UUID.randomUUID()) : outcome)
                .onFailure().invoke(() -> {
                    if (sendCallbackAtOnce) {
                        deliveries.cancelReservation();
                    }
                });
    }

    private Uni<List<StateChange>> write(List<JobOutcome> outcomes) {
        return store.complete(outcomes, config.callback().maxAttempts(), config.callback().lease(),
                        consoleConfig.fetchAttemptsKept())
                .invoke(changes -> announce(outcomes, changes));
    }

    /**
     * The same job ended failed, under the same leases, as any failed job: its report callback, if wanted, is queued.
     * The attempt stays on its timeline: it was made, only its result could not be kept.
     */
    private static JobOutcome notStorable(JobOutcome outcome) {
        return JobOutcome.failed(outcome.jobId(), outcome.leaseToken(), RESULT_NOT_STORABLE)
                .withCallbackLease(outcome.callbackLeaseToken()).withAttempt(outcome.attempt());
    }

    private void announce(List<JobOutcome> outcomes, List<StateChange> changes) {
        List<ClaimedDelivery> leased = changes.stream().map(StateChange::leasedCallback).filter(Objects::nonNull).toList();
        deliveries.startReserved(leased, outcomes.stream().filter(outcome -> outcome.callbackLeaseToken() != null).count());
        metrics.startedWithoutClaim(deliveries.workName(), leased.size());
        boolean callbacks = false;
        for (StateChange change : changes) {
            callbacks |= change.callbackQueued() && change.leasedCallback() == null;
        }
        if (callbacks) {
            wakeUp.deliveriesAdded();
        }
        jobsEnded.fire(new JobsEnded(changes));
    }
}
