package dev.asyncgateway.observability;

import dev.asyncgateway.queue.ClaimLoop;
import dev.asyncgateway.store.ClaimedDelivery;
import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.store.JobRow;
import dev.asyncgateway.store.QueueSnapshot;
import dev.asyncgateway.store.QueueStatsStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToDoubleFunction;

/**
 * Gauges of queue depth, age of the oldest due job and delivery, and work in flight. The queue figures
 * come from one cheap statement that runs only when a scrape reads them and the last one is older than
 * {@code gateway.metrics.queue-refresh-interval}: no timer keeps an idle instance busy, and a scrape is
 * never blocked by the database (it reads the previous result; NaN until the first one arrived).
 */
@ApplicationScoped
public class QueueGauges {

    private static final Logger LOG = Logger.getLogger(QueueGauges.class);

    @Inject
    MeterRegistry registry;

    @Inject
    QueueStatsStore stats;

    @Inject
    GatewayConfig config;

    @Inject
    ClaimLoop<JobRow> jobs;

    @Inject
    ClaimLoop<ClaimedDelivery> deliveries;

    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile QueueSnapshot latest;
    private volatile long nextRefreshNanos = System.nanoTime();

    void register(@Observes StartupEvent event) {
        queueGauge("gateway.jobs.queued", "Jobs not yet ended: due, in flight or waiting for a retry", null,
                QueueSnapshot::jobsQueued);
        queueGauge("gateway.jobs.due", "Jobs due now and waiting for a free slot", null, QueueSnapshot::jobsDue);
        queueGauge("gateway.jobs.oldest.due.age", "How long the oldest due job has waited", "seconds",
                QueueSnapshot::oldestDueJobAgeSeconds);
        queueGauge("gateway.deliveries.queued", "Callback and notification deliveries not yet ended", null,
                QueueSnapshot::deliveriesQueued);
        queueGauge("gateway.deliveries.due", "Deliveries due now and waiting for a free slot", null,
                QueueSnapshot::deliveriesDue);
        queueGauge("gateway.deliveries.oldest.due.age", "How long the oldest due delivery has waited", "seconds",
                QueueSnapshot::oldestDueDeliveryAgeSeconds);
        Gauge.builder("gateway.jobs.inflight", jobs, ClaimLoop::inFlight)
                .description("Target fetches in flight on this instance").register(registry);
        Gauge.builder("gateway.deliveries.inflight", deliveries, ClaimLoop::inFlight)
                .description("Callback and notification attempts in flight on this instance").register(registry);
    }

    private void queueGauge(String name, String description, String unit, ToDoubleFunction<QueueSnapshot> value) {
        Gauge.builder(name, this, gauges -> gauges.read(value)).description(description).baseUnit(unit).register(registry);
    }

    private double read(ToDoubleFunction<QueueSnapshot> value) {
        refreshIfStale();
        QueueSnapshot snapshot = latest;
        return snapshot == null ? Double.NaN : value.applyAsDouble(snapshot);
    }

    private void refreshIfStale() {
        if (System.nanoTime() - nextRefreshNanos < 0 || !refreshing.compareAndSet(false, true)) {
            return;
        }
        stats.snapshot().subscribe().with(
                snapshot -> refreshed(snapshot),
                failure -> {
                    // Unknown rather than stale: the gauges read NaN until the database answers again.
                    LOG.debugf("cannot refresh queue gauges: %s", failure.toString());
                    refreshed(null);
                });
    }

    private void refreshed(QueueSnapshot snapshot) {
        latest = snapshot;
        nextRefreshNanos = System.nanoTime() + config.metrics().queueRefreshInterval().toNanos();
        refreshing.set(false);
    }
}
