package dev.asyncgateway.queue;

import dev.asyncgateway.store.DatabasePool;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Wakes workers the moment there is work, instead of busy polling: the local worker at once, other
 * instances through PostgreSQL NOTIFY. At most one NOTIFY per channel is in flight; signals arriving
 * meanwhile fold into one more, so a burst of submissions costs a couple of notifications, not one per row.
 * Each NOTIFY carries this instance's id, so that it does not wake itself a second time (an extra, most
 * often empty, claim per signal).
 */
@ApplicationScoped
public class WakeUpSignal {

    public static final String JOBS = "gateway_jobs_due";
    public static final String DELIVERIES = "gateway_deliveries_due";

    private static final Logger LOG = Logger.getLogger(WakeUpSignal.class);
    private static final long RECONNECT_DELAY_MS = 1000;

    @Inject
    Vertx vertx;

    @Inject
    Pool pool;

    @Inject
    DatabasePool database;

    private final String instanceId = UUID.randomUUID().toString();
    private final Map<String, List<Runnable>> listeners = new ConcurrentHashMap<>();
    private final Map<String, Notifier> notifiers = new ConcurrentHashMap<>();
    private PgSubscriber subscriber;

    public void jobsAdded() {
        signal(JOBS);
    }

    public void deliveriesAdded() {
        signal(DELIVERIES);
    }

    /** Wakes this instance's job runner once the delay has passed, e.g. when a retry falls due before the next poll. */
    public void jobsDueIn(Duration delay) {
        vertx.setTimer(Math.max(1, delay.toMillis()), id -> wakeLocal(JOBS));
    }

    /** What this instance's notifications carry. */
    String instanceId() {
        return instanceId;
    }

    public void onSignal(String channel, Runnable listener) {
        listeners.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(listener);
    }

    /** A notification from {@code sender}: this instance acted on its own ones when it sent them. */
    void received(String channel, String sender) {
        if (!instanceId.equals(sender)) {
            wakeLocal(channel);
        }
    }

    private void signal(String channel) {
        wakeLocal(channel);
        notifiers.computeIfAbsent(channel, Notifier::new).request();
    }

    private void wakeLocal(String channel) {
        for (Runnable listener : listeners.getOrDefault(channel, List.of())) {
            listener.run();
        }
    }

    /**
     * The LISTEN connection is made exactly like the pool's (TLS mode and certificates, credentials, connect
     * timeout): a connection of its own must not be the one that skips the datasource's TLS settings.
     */
    PgConnectOptions listenOptions() {
        pool.getDelegate(); // creates the pool if nothing has yet; its creator records the options (see DatabasePool)
        return database.connectOptions();
    }

    void listen(@Observes StartupEvent event) {
        subscriber = PgSubscriber.subscriber(vertx, listenOptions());
        subscriber.reconnectPolicy(retries -> RECONNECT_DELAY_MS);
        for (String channel : List.of(JOBS, DELIVERIES)) {
            subscriber.channel(channel).handler(sender -> received(channel, sender));
        }
        // After a reconnect, wake everyone once: notifications sent while disconnected are lost.
        subscriber.channel(JOBS).subscribeHandler(() -> {
            wakeLocal(JOBS);
            wakeLocal(DELIVERIES);
        });
        subscriber.connect().subscribe().with(
                ignored -> LOG.debug("listening for wake-ups"),
                failure -> LOG.warnf("cannot listen for wake-ups yet (%s); the fallback poll keeps work moving", failure.toString()));
    }

    void stop(@Observes ShutdownEvent event) {
        if (subscriber != null) {
            subscriber.close().subscribe().with(ignored -> { }, failure -> { });
        }
    }

    /** Coalesces NOTIFYs of one channel: one in flight, at most one more queued behind it. */
    private final class Notifier {
        private final String sql;
        private final AtomicBoolean inFlight = new AtomicBoolean();
        private final AtomicBoolean pending = new AtomicBoolean();

        Notifier(String channel) {
            this.sql = "NOTIFY " + channel + ", '" + instanceId + "'";
        }

        void request() {
            pending.set(true);
            if (inFlight.compareAndSet(false, true)) {
                send();
            }
        }

        private void send() {
            pending.set(false);
            pool.query(sql).execute().subscribe().with(ignored -> done(), failure -> done());
        }

        private void done() {
            inFlight.set(false);
            if (pending.get() && inFlight.compareAndSet(false, true)) {
                send();
            }
        }
    }
}
