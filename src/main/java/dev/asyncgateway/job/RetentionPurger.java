package dev.asyncgateway.job;

import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.queue.GracefulShutdown;
import dev.asyncgateway.store.BatchStore;
import dev.asyncgateway.store.DeliveryStore;
import dev.asyncgateway.store.IdempotencyKeyStore;
import dev.asyncgateway.store.JobStore;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.function.Function;

/**
 * Deletes jobs that ended longer ago than the retention period, then the batches left without jobs, each with
 * its deliveries and their attempt logs, then deliveries that belong to neither, and idempotency keys past their
 * lifetime, in small batches so no statement runs long. A job or batch with a delivery still pending waits for
 * it to end: purging it would cancel the delivery.
 */
@ApplicationScoped
public class RetentionPurger {

    private static final Logger LOG = Logger.getLogger(RetentionPurger.class);

    @Inject
    JobStore store;

    @Inject
    BatchStore batchStore;

    @Inject
    DeliveryStore deliveries;

    @Inject
    IdempotencyKeyStore idempotencyKeys;

    @Inject
    GatewayConfig config;

    @Inject
    GracefulShutdown shutdown;

    @Scheduled(every = "${gateway.jobs.purge-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> purge() {
        return shutdown.periodic("the retention purge", this::purgeAll);
    }

    private Uni<Void> purgeAll() {
        GatewayConfig.Jobs jobs = config.jobs();
        return deleteInRounds(limit -> store.purgeEnded(jobs.retention(), limit), "ended job(s) past retention", 0)
                .chain(() -> deleteInRounds(limit -> batchStore.purgeEmptied(jobs.retention(), limit),
                        "batch(es) without jobs past retention", 0))
                .chain(() -> deleteInRounds(limit -> deliveries.purgeUnowned(jobs.retention(), limit),
                        "delivery(ies) of no job or batch past retention", 0))
                .chain(() -> deleteInRounds(limit -> idempotencyKeys.purgeExpired(jobs.idempotencyKeyTtl(), limit),
                        "expired idempotency key(s)", 0));
    }

    /** Runs {@code deleteUpTo} until a round comes back short, so each statement stays small. */
    private Uni<Void> deleteInRounds(Function<Integer, Uni<Integer>> deleteUpTo, String what, int deletedSoFar) {
        int round = config.jobs().purgeBatchSize();
        return deleteUpTo.apply(round).chain(deleted -> {
            if (deleted == round) {
                return deleteInRounds(deleteUpTo, what, deletedSoFar + deleted);
            }
            if (deletedSoFar + deleted > 0) {
                LOG.infof("purged %d %s", deletedSoFar + deleted, what);
            }
            return Uni.createFrom().voidItem();
        });
    }
}
