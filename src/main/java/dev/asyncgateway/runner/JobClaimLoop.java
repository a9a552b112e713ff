package dev.asyncgateway.runner;

import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.queue.ClaimLoop;
import dev.asyncgateway.queue.WakeUpSignal;
import dev.asyncgateway.store.JobRow;
import dev.asyncgateway.store.JobStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Claims due jobs and hands them to the {@link JobExecutor}, never more than there are free fetch
 * slots. Woken at once by new jobs (see {@link WakeUpSignal}), with a slow fallback poll; keeps
 * claiming while claims come back full, so a backlog drains without waiting for the poll.
 */
@ApplicationScoped
public class JobClaimLoop extends ClaimLoop<JobRow> {

    private static final Logger LOG = Logger.getLogger(JobClaimLoop.class);

    @Inject
    GatewayConfig config;

    @Inject
    JobStore store;

    @Inject
    JobExecutor executor;

    @Inject
    WakeUpSignal wakeUp;

    @Inject
    Vertx vertx;

    private long renewTimer = -1;
    /** What the last claim found: an account at its in-flight cap, whose due jobs wait for one of its jobs to end. */
    private volatile boolean accountsAtCap;

    void start(@Observes StartupEvent event) {
        if (!config.runner().enabled()) {
            return;
        }
        renewTimer = vertx.setPeriodic(Math.max(1, config.runner().lease().toMillis() / 3), id -> renewLeases());
        startLoop(vertx, wakeUp, WakeUpSignal.JOBS, config.runner().pollInterval());
    }

    void stop(@Observes ShutdownEvent event) {
        stopClaiming();
        vertx.cancelTimer(renewTimer);
    }

    @Override
    public String workName() {
        return "job";
    }

    @Override
    protected int capacity() {
        return config.runner().concurrency();
    }

    @Override
    protected Uni<List<JobRow>> claim(int free) {
        GatewayConfig.Runner runner = config.runner();
        return store.claim(Math.min(free, runner.claimBatchSize()), runner.lease(), UUID.randomUUID(), runner.accountMaxInFlight())
                .map(claimed -> {
                    accountsAtCap = claimed.accountsAtCap();
                    return claimed.jobs();
                });
    }

    /**
     * An account at its cap (across all instances, counted by leased jobs) gets room when any of its jobs' outcomes
     * is stored, here or elsewhere.
     */
    @Override
    protected boolean mayFreeHeldBackRowsOnceRecorded(JobRow job) {
        return accountsAtCap;
    }

    /** A full claim may have left due jobs behind. */
    @Override
    protected boolean mayHaveMore(List<JobRow> claimed, int free) {
        return claimed.size() == Math.min(free, config.runner().claimBatchSize());
    }

    @Override
    protected Uni<Void> run(JobRow job, Runnable fetched) {
        return executor.run(job, job.leaseToken(), fetched);
    }

    @Override
    protected UUID id(JobRow job) {
        return job.id();
    }

    @Override
    protected UUID leaseToken(JobRow job) {
        return job.leaseToken();
    }

    @Override
    protected Uni<Integer> release(Map<UUID, UUID> leasesById) {
        return store.releaseLeases(leasesById);
    }

    /** Long fetches keep their jobs: one statement extends the lease of everything in flight. */
    private void renewLeases() {
        Map<UUID, UUID> leases = Map.copyOf(leases());
        if (leases.isEmpty()) {
            return;
        }
        List<UUID> ids = new ArrayList<>(leases.keySet());
        List<UUID> tokens = ids.stream().map(leases::get).toList();
        store.renewLeases(ids, tokens, config.runner().lease()).subscribe().with(
                ignored -> { },
                failure -> LOG.warnf("cannot renew job leases: %s", failure.toString()));
    }
}
