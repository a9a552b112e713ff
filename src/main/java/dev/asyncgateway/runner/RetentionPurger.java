package dev.asyncgateway.runner;

import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.store.JobStore;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/** Deletes jobs that ended longer ago than the retention period, in small batches so no statement runs long. */
@ApplicationScoped
public class RetentionPurger {

    private static final Logger LOG = Logger.getLogger(RetentionPurger.class);

    @Inject
    JobStore store;

    @Inject
    GatewayConfig config;

    @Scheduled(every = "${gateway.jobs.purge-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> purge() {
        return purgeBatches(0);
    }

    private Uni<Void> purgeBatches(int deletedSoFar) {
        int batch = config.jobs().purgeBatchSize();
        return store.purgeEnded(config.jobs().retention(), batch).chain(deleted -> {
            if (deleted == batch) {
                return purgeBatches(deletedSoFar + deleted);
            }
            if (deletedSoFar + deleted > 0) {
                LOG.infof("purged %d ended job(s) past retention", deletedSoFar + deleted);
            }
            return Uni.createFrom().voidItem();
        });
    }
}
