package dev.asyncgateway.queue;

import dev.asyncgateway.common.ClientError;
import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.store.QueueSnapshot;
import dev.asyncgateway.store.QueueStatsStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * Works off due work until none is left, for platforms that give an instance CPU only while it serves a
 * request: a scheduler calls {@code POST /admin/drain}, and the request stays open while the workers claim
 * and run jobs and deliveries as usual. It only wakes them and watches the queue; it runs nothing itself.
 */
@ApplicationScoped
public class DueWorkDrain {

    private static final Logger LOG = Logger.getLogger(DueWorkDrain.class);

    @Inject
    GatewayConfig config;

    @Inject
    Instance<QueueWorker> workers;

    @Inject
    QueueStatsStore stats;

    @Inject
    GracefulShutdown shutdown;

    public Uni<DrainReport> drain() {
        if (!config.runner().enabled()) {
            throw ClientError.conflict("this instance runs no jobs (GATEWAY_RUNNER_ENABLED=false)");
        }
        long startNanos = System.nanoTime();
        return untilNothingDue(startNanos, startNanos + config.runner().drainMaxDuration().toNanos())
                .invoke(report -> LOG.infof("drain %s after %d ms: %d job(s) and %d deliveries due",
                        report.drained() ? "complete" : "stopped", report.durationMs(), report.jobsDue(), report.deliveriesDue()));
    }

    private Uni<DrainReport> untilNothingDue(long startNanos, long deadlineNanos) {
        workers.forEach(QueueWorker::wake);
        return stats.snapshot().chain(snapshot -> {
            boolean drained = snapshot.nothingDue() && workers.stream().allMatch(QueueWorker::idle);
            if (drained || shutdown.draining() || System.nanoTime() - deadlineNanos >= 0) {
                return Uni.createFrom().item(report(drained, snapshot, startNanos));
            }
            return Uni.createFrom().voidItem().onItem().delayIt().by(config.runner().drainCheckInterval())
                    .chain(() -> untilNothingDue(startNanos, deadlineNanos));
        });
    }

    private static DrainReport report(boolean drained, QueueSnapshot snapshot, long startNanos) {
        return new DrainReport(drained, snapshot.jobsDue(), snapshot.jobsQueued(), snapshot.deliveriesDue(),
                snapshot.deliveriesQueued(), Duration.ofNanos(System.nanoTime() - startNanos).toMillis());
    }
}
