package dev.asyncgateway.job;

import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.observability.GatewayMetrics;
import dev.asyncgateway.queue.GroupCommit;
import dev.asyncgateway.queue.WakeUpSignal;
import dev.asyncgateway.runner.JobClaimLoop;
import dev.asyncgateway.store.JobRow;
import dev.asyncgateway.store.JobStore;
import dev.asyncgateway.store.NewJob;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Stores single-URL submissions without an idempotency key, the bulk of {@code POST /jobs} traffic: concurrent ones
 * share one insert (group commit), and while the runner has a free slot and no due job waits, a job is stored leased
 * to this instance and starts in that slot at once, with no wake-up and no claim between the commit and the fetch.
 */
@ApplicationScoped
public class SingleJobInserts {

    /** Most single submissions one insert takes; beyond a few hundred rows a statement gains nothing per row. */
    private static final int MAX_GROUP = 500;

    @Inject
    JobStore store;

    @Inject
    WakeUpSignal wakeUp;

    @Inject
    JobClaimLoop runner;

    @Inject
    GatewayConfig config;

    @Inject
    GatewayMetrics metrics;

    private GroupCommit<NewJob> singleInserts;

    @PostConstruct
    void createGroupCommit() {
        GatewayConfig.Runner settings = config.runner();
        singleInserts = GroupCommit.failing("new job", MAX_GROUP,
                jobs -> store.insertSingles(jobs, settings.lease(), settings.accountMaxInFlight()).invoke(leased -> {
                    metrics.singleSubmissionsInsertedTogether(jobs.size());
                    startOrAnnounce(jobs, leased);
                }));
    }

    /** Starts the jobs stored leased; the others are due, so the runners are woken for them. */
    private void startOrAnnounce(List<NewJob> stored, List<JobRow> leased) {
        runner.startReserved(leased, stored.stream().filter(job -> job.leaseToken() != null).count());
        metrics.startedWithoutClaim(runner.workName(), leased.size());
        if (leased.size() < stored.size()) {
            wakeUp.jobsAdded();
        }
    }

    /** The lease token under which a new job starts at once in a runner slot just reserved for it, or null when none is free. */
    UUID reserveSlot() {
        return runner.reserve() ? UUID.randomUUID() : null;
    }

    /**
     * Completes when the job is committed. Its reserved slot follows the insert, not the client: a client that
     * disconnects meanwhile cancels only its wait, and the insert goes on. Stored, the job is started in that slot or
     * hands it back ({@link #startOrAnnounce}); not stored, the slot is handed back here, once.
     */
    CompletableFuture<Void> insert(NewJob job) {
        CompletableFuture<Void> committed = new CompletableFuture<>();
        singleInserts.submit(job).subscribe().with(committed::complete, failure -> {
            if (job.leaseToken() != null) {
                runner.cancelReservation();
            }
            committed.completeExceptionally(failure);
        });
        return committed;
    }
}
