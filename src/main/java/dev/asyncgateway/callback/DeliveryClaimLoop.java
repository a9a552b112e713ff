package dev.asyncgateway.callback;

import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.queue.ClaimLoop;
import dev.asyncgateway.queue.WakeUpSignal;
import dev.asyncgateway.store.ClaimedDelivery;
import dev.asyncgateway.store.DeliveryOutcome;
import dev.asyncgateway.store.DeliveryStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Claims due deliveries and hands them to the {@link DeliveryExecutor}: never more than the free slots,
 * and never more to one receiver than its cap, which the claim statement itself enforces, so deliveries
 * to healthy receivers are claimed while a slow one is saturated. Woken by new deliveries (see
 * {@link WakeUpSignal}), by a timer when a retry falls due, and by the fallback poll.
 */
@ApplicationScoped
public class DeliveryClaimLoop extends ClaimLoop<ClaimedDelivery> {

    @Inject
    GatewayConfig config;

    @Inject
    DeliveryStore store;

    @Inject
    DeliveryExecutor executor;

    @Inject
    WakeUpSignal wakeUp;

    @Inject
    Vertx vertx;

    /**
     * Keyed by the receiver the database computes for each delivery ({@code url_receiver}: host and port, default port
     * written out), the same key the claim statement compares, so every spelling of one receiver shares one count.
     */
    private final Map<String, Integer> inFlightByReceiver = new ConcurrentHashMap<>();

    void start(@Observes StartupEvent event) {
        if (!config.runner().enabled()) {
            return;
        }
        startLoop(vertx, wakeUp, WakeUpSignal.DELIVERIES, config.runner().pollInterval());
    }

    void stop(@Observes ShutdownEvent event) {
        stopClaiming();
    }

    @Override
    public String workName() {
        return "delivery";
    }

    @Override
    protected int capacity() {
        return config.callback().concurrency();
    }

    @Override
    protected Uni<List<ClaimedDelivery>> claim(int free) {
        GatewayConfig.Callback settings = config.callback();
        return store.claim(Math.min(free, settings.claimBatchSize()), settings.lease(), UUID.randomUUID(),
                Map.copyOf(inFlightByReceiver), settings.concurrencyPerHost());
    }

    /**
     * A callback reserved as its job ends is leased before its receiver is known (the job, project or account
     * URL is resolved in the database): while fewer than the per-receiver cap are in flight in all, no receiver can pass it.
     */
    @Override
    protected int reservable() {
        return Math.min(capacity(), config.callback().concurrencyPerHost());
    }

    /** A claim that found work may have left some behind (receiver caps, the batch size). */
    @Override
    protected boolean mayHaveMore(List<ClaimedDelivery> claimed, int free) {
        return !claimed.isEmpty();
    }

    /** One attempt; a retry that falls due before the fallback poll wakes the loop by a timer of its own. */
    @Override
    protected Uni<Void> run(ClaimedDelivery delivery, Runnable sent) {
        return executor.run(delivery, sent).invoke(outcome -> {
            if (outcome.next() == DeliveryOutcome.Next.RETRY && delivery.attempt() < delivery.maxAttempts()) {
                vertx.setTimer(Math.max(1, outcome.retryDelay().toMillis()), id -> wake());
            }
        }).replaceWithVoid();
    }

    @Override
    protected UUID id(ClaimedDelivery delivery) {
        return delivery.id();
    }

    @Override
    protected UUID leaseToken(ClaimedDelivery delivery) {
        return delivery.leaseToken();
    }

    @Override
    protected Uni<Integer> release(Map<UUID, UUID> leasesById) {
        return store.releaseLeases(leasesById);
    }

    @Override
    protected void onStart(ClaimedDelivery delivery) {
        inFlightByReceiver.merge(delivery.receiver(), 1, Integer::sum);
    }

    /** The claim skips a receiver at its cap on this instance; one of its deliveries ending makes room. */
    @Override
    protected boolean mayFreeHeldBackRows(ClaimedDelivery delivery) {
        return inFlightByReceiver.getOrDefault(delivery.receiver(), 0) + 1 >= config.callback().concurrencyPerHost();
    }

    @Override
    protected void onFinish(ClaimedDelivery delivery) {
        inFlightByReceiver.computeIfPresent(delivery.receiver(), (receiver, n) -> n > 1 ? n - 1 : null);
    }
}
