package dev.asyncgateway.queue;

import dev.asyncgateway.config.GatewayConfig;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * On SIGTERM: stop claiming jobs and deliveries, let what is in flight finish within
 * {@code gateway.runner.shutdown-grace}, then hand what is still running back to the queue (due at once)
 * so another instance takes it without waiting for its lease to expire.
 * <p>
 * Draining starts with Quarkus' shutdown delay ({@code quarkus.shutdown.delay}), while HTTP still serves and
 * readiness reports DOWN, and the process exits only once it is done (or the grace period is over).
 */
@ApplicationScoped
public class GracefulShutdown {

    private static final Logger LOG = Logger.getLogger(GracefulShutdown.class);
    /** How often the in-memory in-flight counts are looked at while waiting; no I/O involved. */
    private static final Duration IDLE_CHECK = Duration.ofMillis(20);
    /** Time allowed for the statements that release leases after the grace period. */
    private static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(5);

    @Inject
    GatewayConfig config;

    @Inject
    Instance<QueueWorker> workers;

    private CompletableFuture<Void> drained;
    private volatile boolean handedBack;

    /** True from the start of shutdown on. */
    public synchronized boolean draining() {
        return drained != null;
    }

    /**
     * One round of periodic housekeeping (a batch sweep, a purge): none once shutdown has started, since the pool
     * closes under it. A failed round is logged and left to the next one rather than handed to the scheduler, which
     * logs it as an ERROR with its stack trace (as every shutdown did when the pool closed under a sweep).
     */
    public Uni<Void> periodic(String what, Supplier<Uni<?>> round) {
        if (draining()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().deferred(round).replaceWithVoid().onFailure().recoverWithItem(failure -> {
            if (draining()) {
                LOG.debugf("%s stopped by the shutdown: %s", what, failure.toString());
            } else {
                LOG.warnf("%s failed, the next round tries again: %s", what, failure.toString());
            }
            return null;
        });
    }

    /**
     * True once the attempts still running at the end of the grace period are being handed back: their leases go
     * back to the queue, so what they end with is moot, and storing it would only meet a pool that is closing.
     */
    public boolean handedBack() {
        return handedBack;
    }

    void onShutdownStarted(@Observes ShutdownDelayInitiatedEvent event) {
        startDraining();
    }

    /**
     * Runs before the other shutdown observers, which close the HTTP clients, the wake-up listener and
     * the timers. It blocks the JVM's shutdown thread, never an event loop: the process must not exit
     * before the outcomes are stored, and the pool and event loops stay open until this returns.
     */
    void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
        try {
            startDraining().get(config.runner().shutdownGrace().plus(RELEASE_TIMEOUT).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warnf("shutdown could not hand back all unfinished work; its leases expire instead: %s", e.toString());
        }
    }

    private synchronized CompletableFuture<Void> startDraining() {
        if (drained != null) {
            return drained;
        }
        if (!config.runner().enabled()) {
            drained = CompletableFuture.completedFuture(null);
            return drained;
        }
        Duration grace = config.runner().shutdownGrace();
        workers.forEach(QueueWorker::stopClaiming);
        workers.forEach(worker -> LOG.infof("shutting down: claiming stopped, waiting up to %s for %d %s attempt(s) in flight",
                grace, worker.inFlight(), worker.workName()));
        drained = untilIdle(grace).chain(this::releaseUnfinished).subscribeAsCompletionStage();
        return drained;
    }

    private Uni<Void> untilIdle(Duration grace) {
        return Multi.createFrom().ticks().every(IDLE_CHECK)
                .filter(tick -> workers.stream().allMatch(QueueWorker::idle))
                .toUni().replaceWithVoid()
                .ifNoItem().after(grace).recoverWithItem(() -> null);
    }

    private Uni<Void> releaseUnfinished() {
        handedBack = true;
        List<Uni<Void>> releases = workers.stream().map(worker -> worker.releaseUnfinished()
                .invoke(released -> LOG.infof("shutting down: %d unfinished %s attempt(s) handed back to the queue",
                        released, worker.workName()))
                .replaceWithVoid()).toList();
        return Uni.join().all(releases).andCollectFailures().replaceWithVoid();
    }
}
