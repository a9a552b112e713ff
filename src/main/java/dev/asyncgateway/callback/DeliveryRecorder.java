package dev.asyncgateway.callback;

import dev.asyncgateway.common.PeerText;
import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.queue.GracefulShutdown;
import dev.asyncgateway.queue.GroupCommit;
import dev.asyncgateway.queue.WakeUpSignal;
import dev.asyncgateway.store.DeliveryOutcome;
import dev.asyncgateway.store.DeliveryStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;

/**
 * Records attempt outcomes with group commit; failure notifications the records queued wake the workers. An outcome
 * the database refuses is stored again with its peer text cut down to what is surely storable (see {@link #storable}).
 */
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

    @Inject
    GracefulShutdown shutdown;

    private GroupCommit<DeliveryOutcome> commits;

    @PostConstruct
    void createGroupCommit() {
        commits = GroupCommit.retryingOutages("delivery outcome", config.callback().recordBatchSize(), this::write,
                new GroupCommit.Poison<>(DeliveryOutcome::deliveryId, outcome -> write(List.of(storable(outcome)))), vertx);
    }

    private Uni<Integer> write(List<DeliveryOutcome> outcomes) {
        return store.record(outcomes, config.callback().maxAttempts()).invoke(notifications -> {
            if (notifications > 0) {
                wakeUp.deliveriesAdded();
            }
        });
    }

    /**
     * The outcome with the text a receiver could have put in it (error, logged body) cleaned and bounded once more:
     * whatever made the database refuse it, the verdict (delivered, retry, failed) and the attempt still count.
     */
    private DeliveryOutcome storable(DeliveryOutcome outcome) {
        return new DeliveryOutcome(outcome.deliveryId(), outcome.leaseToken(), outcome.attempt(), outcome.startedAt(),
                outcome.durationMs(), outcome.statusCode(), PeerText.line(outcome.errorKind(), PeerText.ERROR_MAX_BYTES),
                PeerText.line(outcome.error(), PeerText.ERROR_MAX_BYTES),
                PeerText.clean(outcome.responseBody(), config.callback().responseLogBytes()), outcome.next(), outcome.retryDelay());
    }

    /** Stores the outcome; after the shutdown handed the leases back, it is moot (see {@link GracefulShutdown#handedBack}). */
    public Uni<Void> record(DeliveryOutcome outcome) {
        return shutdown.handedBack() ? Uni.createFrom().voidItem() : commits.submit(outcome);
    }
}
