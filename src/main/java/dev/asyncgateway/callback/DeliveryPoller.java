package dev.asyncgateway.callback;

import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.runner.LeaseHolder;
import dev.asyncgateway.runner.WakeUpSignal;
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
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Claims due deliveries and hands them to the {@link DeliveryExecutor}: never more than the free slots,
 * and never more to one receiver than its cap, which the claim statement itself enforces, so deliveries
 * to healthy receivers are claimed while a slow one is saturated. Woken by new deliveries (see
 * {@link WakeUpSignal}), by a timer when a retry falls due, and by the fallback poll.
 */
@ApplicationScoped
public class DeliveryPoller implements LeaseHolder {

    private static final Logger LOG = Logger.getLogger(DeliveryPoller.class);

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

    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, Integer> inFlightByReceiver = new ConcurrentHashMap<>();
    private final Map<UUID, UUID> leases = new ConcurrentHashMap<>();
    private final AtomicBoolean claiming = new AtomicBoolean();
    private final AtomicBoolean wakeRequested = new AtomicBoolean();
    private volatile boolean running;
    private long pollTimer = -1;

    void start(@Observes StartupEvent event) {
        if (!config.runner().enabled()) {
            return;
        }
        running = true;
        wakeUp.onSignal(WakeUpSignal.DELIVERIES, this::wake);
        pollTimer = vertx.setPeriodic(config.runner().pollInterval().toMillis(), id -> wake());
        wake();
    }

    void stop(@Observes ShutdownEvent event) {
        stopClaiming();
    }

    @Override
    public String workName() {
        return "delivery";
    }

    @Override
    public void stopClaiming() {
        running = false;
        vertx.cancelTimer(pollTimer);
    }

    /** Deliveries currently being attempted by this instance. */
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
            claim();
        }
    }

    private void claim() {
        wakeRequested.set(false);
        GatewayConfig.Callback settings = config.callback();
        int free = settings.concurrency() - inFlight.get();
        if (free <= 0 || !running) {
            claiming.set(false);
            return;
        }
        store.claim(Math.min(free, settings.claimBatchSize()), settings.lease(), UUID.randomUUID(),
                Map.copyOf(inFlightByReceiver), settings.concurrencyPerHost()).subscribe().with(
                deliveries -> {
                    deliveries.forEach(this::start);
                    claiming.set(false);
                    // A claim that found work may have left some behind (receiver caps, the batch size).
                    if (!deliveries.isEmpty() || wakeRequested.get()) {
                        wake();
                    }
                },
                failure -> {
                    LOG.warnf("cannot claim deliveries, the fallback poll will try again: %s", failure.toString());
                    claiming.set(false);
                });
    }

    private void start(ClaimedDelivery delivery) {
        inFlight.incrementAndGet();
        inFlightByReceiver.merge(delivery.receiver(), 1, Integer::sum);
        leases.put(delivery.id(), delivery.leaseToken());
        executor.run(delivery).subscribe().with(
                outcome -> {
                    finish(delivery);
                    if (outcome.next() == DeliveryOutcome.Next.RETRY && delivery.attempt() < delivery.maxAttempts()) {
                        vertx.setTimer(Math.max(1, outcome.retryDelay().toMillis()), id -> wake());
                    }
                },
                failure -> {
                    LOG.errorf(failure, "delivery %s attempt crashed; it runs again when its lease expires", delivery.id());
                    finish(delivery);
                });
    }

    private void finish(ClaimedDelivery delivery) {
        inFlightByReceiver.computeIfPresent(delivery.receiver(), (receiver, n) -> n > 1 ? n - 1 : null);
        leases.remove(delivery.id());
        inFlight.decrementAndGet();
        wake();
    }
}
