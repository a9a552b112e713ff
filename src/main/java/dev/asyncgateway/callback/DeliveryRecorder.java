package dev.asyncgateway.callback;

import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.store.GroupCommit;
import dev.asyncgateway.runner.WakeUpSignal;
import dev.asyncgateway.store.DeliveryOutcome;
import dev.asyncgateway.store.DeliveryStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Records attempt outcomes with group commit; failure notifications the records queued wake the workers. */
@ApplicationScoped
public class DeliveryRecorder {

    @Inject
    DeliveryStore store;

    @Inject
    GatewayConfig config;

    @Inject
    WakeUpSignal wakeUp;

    @Inject
    Vertx vertx;

    private GroupCommit<DeliveryOutcome> commits;

    @PostConstruct
    void createGroupCommit() {
        commits = GroupCommit.retrying("delivery outcome", config.callback().recordBatchSize(),
                outcomes -> store.record(outcomes, config.callback().maxAttempts()).invoke(notifications -> {
                    if (notifications > 0) {
                        wakeUp.deliveriesAdded();
                    }
                }), vertx);
    }

    public Uni<Void> record(DeliveryOutcome outcome) {
        return commits.submit(outcome);
    }
}
