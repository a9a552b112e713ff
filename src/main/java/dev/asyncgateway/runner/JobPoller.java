package dev.asyncgateway.runner;

import dev.asyncgateway.config.GatewayConfig;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Claims due jobs and hands them to the {@link JobExecutor}, never more than there are free fetch
 * slots. Woken at once by new jobs (see {@link WakeUpSignal}), with a slow fallback poll; keeps
 * claiming while claims come back full, so a backlog drains without waiting for the poll.
 */
@ApplicationScoped
public class JobPoller implements LeaseHolder {

    private static final Logger LOG = Logger.getLogger(JobPoller.class);

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

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean claiming = new AtomicBoolean();
    private final AtomicBoolean wakeRequested = new AtomicBoolean();
    private final Map<UUID, UUID> leases = new ConcurrentHashMap<>();
    private volatile boolean running;
    private long pollTimer = -1;
    private long renewTimer = -1;

    void start(@Observes StartupEvent event) {
        if (!config.runner().enabled()) {
            return;
        }
        running = true;
        wakeUp.onSignal(WakeUpSignal.JOBS, this::wake);
        pollTimer = vertx.setPeriodic(config.runner().pollInterval().toMillis(), id -> wake());
        renewTimer = vertx.setPeriodic(Math.max(1, config.runner().lease().toMillis() / 3), id -> renewLeases());
        wake();
    }

    void stop(@Observes ShutdownEvent event) {
        stopClaiming();
        vertx.cancelTimer(renewTimer);
    }

    @Override
    public String workName() {
        return "job";
    }

    /** Claims no more jobs; fetches in flight go on, and their leases keep being renewed. */
    @Override
    public void stopClaiming() {
        running = false;
        vertx.cancelTimer(pollTimer);
    }

    /** Jobs currently being fetched by this instance. */
    @Override
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public boolean idle() {
        return inFlight.get() == 0 && !claiming.get();
    }

    @Override
    public Uni<Integer> releaseUnfinished() {
        return store.releaseLeases(Map.copyOf(leases));
    }

    @Override
    public void wake() {
        wakeRequested.set(true);
        if (running && claiming.compareAndSet(false, true)) {
            claimOnce();
        }
    }

    private void claimOnce() {
        wakeRequested.set(false);
        int free = config.runner().concurrency() - inFlight.get();
        if (free <= 0 || !running) {
            claiming.set(false);
            return;
        }
        int limit = Math.min(free, config.runner().claimBatchSize());
        UUID leaseToken = UUID.randomUUID();
        store.claim(limit, config.runner().lease(), leaseToken, config.runner().accountMaxInFlight()).subscribe().with(
                jobs -> {
                    jobs.forEach(job -> start(job, leaseToken));
                    afterClaim(jobs.size() == limit);
                },
                failure -> {
                    LOG.warnf("cannot claim jobs, the fallback poll will try again: %s", failure.toString());
                    claiming.set(false);
                });
    }

    private void afterClaim(boolean mayHaveMore) {
        claiming.set(false);
        if (mayHaveMore || wakeRequested.get()) {
            wake();
        }
    }

    private void start(JobRow job, UUID leaseToken) {
        inFlight.incrementAndGet();
        leases.put(job.id(), leaseToken);
        executor.run(job, leaseToken).subscribe().with(
                ignored -> finish(job),
                failure -> {
                    LOG.errorf(failure, "job %s attempt crashed; it runs again when its lease expires", job.id());
                    finish(job);
                });
    }

    private void finish(JobRow job) {
        leases.remove(job.id());
        inFlight.decrementAndGet();
        wake();
    }

    /** Long fetches keep their jobs: one statement extends the lease of everything in flight. */
    private void renewLeases() {
        if (leases.isEmpty()) {
            return;
        }
        List<UUID> ids = new ArrayList<>(leases.size());
        List<UUID> tokens = new ArrayList<>(leases.size());
        leases.forEach((id, token) -> {
            ids.add(id);
            tokens.add(token);
        });
        store.renewLeases(ids, tokens, config.runner().lease()).subscribe().with(
                ignored -> { },
                failure -> LOG.warnf("cannot renew job leases: %s", failure.toString()));
    }
}
