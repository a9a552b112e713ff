package dev.asyncgateway.runner;

import dev.asyncgateway.common.PeerText;
import dev.asyncgateway.config.ConsoleConfig;
import dev.asyncgateway.queue.ClaimLoop;
import dev.asyncgateway.render.Renderer;
import dev.asyncgateway.store.ClaimedDelivery;
import dev.asyncgateway.store.InstanceHeartbeatStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * This instance's heartbeat row (see V19): its host, start and the work in flight here (job fetches, callback
 * deliveries, renders), written every {@code gateway.console.heartbeat-interval} by a timer, so that the operator
 * view shows every instance's work, not only the serving one's. The counts are read from the workers' own counters;
 * the hot paths do nothing for it. Deleted on a clean shutdown, after the work in flight was handed back.
 */
@ApplicationScoped
public class InstanceHeartbeat {

    private static final Logger LOG = Logger.getLogger(InstanceHeartbeat.class);
    private static final int HOST_NAME_MAX_BYTES = 255;
    private static final Duration REMOVE_TIMEOUT = Duration.ofSeconds(5);

    @Inject
    InstanceHeartbeatStore store;

    @Inject
    ConsoleConfig config;

    @Inject
    JobClaimLoop jobs;

    /** The delivery workers (callback layer), known here only as a claim loop. */
    @Inject
    ClaimLoop<ClaimedDelivery> deliveries;

    @Inject
    Renderer renderer;

    private final UUID instanceId = UUID.randomUUID();
    private final OffsetDateTime startedAt = OffsetDateTime.now(ZoneOffset.UTC);
    private volatile String hostName;
    private volatile boolean stopped;

    /** Names the host on the main thread at start: a name lookup may block, which no event loop may. */
    void start(@Observes StartupEvent event) {
        hostName = PeerText.line(hostName(), HOST_NAME_MAX_BYTES);
    }

    @Scheduled(every = "${gateway.console.heartbeat-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> beat() {
        if (stopped || hostName == null || !config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        return store.beat(instanceId, hostName, startedAt, jobs.inFlight(), deliveries.inFlight(), renderer.rendering(),
                        config.heartbeatRemoveAfter())
                // The next beat tries again; the row turns stale meanwhile, which is what the operator should see.
                .onFailure().invoke(e -> LOG.debugf("heartbeat not written: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Runs after graceful shutdown (its observer has priority 1) handed the work in flight back. */
    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        if (!config.enabled()) {
            return;
        }
        try {
            store.remove(instanceId).await().atMost(REMOVE_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.debugf("heartbeat row not removed (it turns stale, then is removed by another instance): %s", e.toString());
        }
    }

    /** This instance's id, as its heartbeat row names it. */
    public UUID instanceId() {
        return instanceId;
    }

    private static String hostName() {
        String fromEnvironment = System.getenv("HOSTNAME");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
