package dev.asyncgateway.common;

import dev.asyncgateway.config.GatewayConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.WorkerExecutor;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The bounded pool for CPU-heavy work, so that no event loop stops for it: the event loops serve every
 * tenant's requests and health probes and renew the leases of running work. Converting pages, encoding
 * large results, building and signing large callbacks and reading large submissions run here. A result comes
 * back on the caller's Vert.x context (the event loop, and the request's duplicated context, it was called
 * from), so the pipeline goes on where it was, as after any other asynchronous step.
 * <p>
 * Small work stays inline. A hop to the pool and back costs two thread hand-offs (tens of microseconds), more
 * than encoding a small job takes, and most jobs and callbacks are small (benchmark P3: ~100-byte pages, 3 KB
 * callbacks). Work that costs in proportion to its bytes (JSON, base64, HMAC, form encoding) hops only above
 * {@code gateway.cpu-work.offload-above-bytes}: 64 KiB by default, which those encoders handle in well under a
 * millisecond (measured: JSON 0.25 ms, form encoding 0.7 ms, base64 and HMAC under 0.1 ms). Work that costs a
 * lot per byte, such as converting HTML to text or Markdown (tens of milliseconds for a few KiB, seconds for
 * MiBs), always hops.
 */
@ApplicationScoped
public class CpuWorkers {

    /** Thrown by {@link #tryRun} when as many tasks as allowed already wait for a thread. */
    public static final class Saturated extends RuntimeException {
        Saturated(int waiting) {
            super(waiting + " tasks wait for a CPU worker", null, false, false);
        }
    }

    @Inject
    Vertx vertx;

    @Inject
    GatewayConfig config;

    private WorkerExecutor workers;
    private final AtomicInteger waiting = new AtomicInteger();

    @PostConstruct
    void createPool() {
        GatewayConfig.CpuWork settings = config.cpuWork();
        workers = vertx.createSharedWorkerExecutor("gateway-cpu",
                settings.threads().orElse(Runtime.getRuntime().availableProcessors()));
    }

    /** After {@code GracefulShutdown} (priority 1): work still in flight while draining gets its thread. */
    void close(@Observes ShutdownEvent event) {
        workers.close().subscribe().with(ignored -> { }, failure -> { });
    }

    /** Runs work that is heavy whatever its size on the pool. */
    public <T> Uni<T> run(Supplier<T> work) {
        return onPool(work);
    }

    /**
     * Runs work proportional to {@code bytes}: on the pool when above the threshold, else right here. Never
     * refused: for the runner and the delivery workers, whose slots already bound how many of them there are.
     */
    public <T> Uni<T> run(long bytes, Supplier<T> work) {
        return isSmall(bytes) ? inline(work) : onPool(work);
    }

    /**
     * As {@link #run(long, Supplier)}, for work a client asked for and may ask for again: large work is refused
     * with {@link Saturated} while {@code gateway.cpu-work.max-queued} tasks wait for a thread, so a flood of large
     * requests is answered at once instead of queueing without bound.
     */
    public <T> Uni<T> tryRun(long bytes, Supplier<T> work) {
        if (isSmall(bytes)) {
            return inline(work);
        }
        int queued = waiting.get();
        if (queued >= config.cpuWork().maxQueued()) {
            return Uni.createFrom().failure(new Saturated(queued));
        }
        return onPool(work);
    }

    /** How many tasks wait for a thread now. */
    public int waiting() {
        return waiting.get();
    }

    private boolean isSmall(long bytes) {
        return bytes <= config.cpuWork().offloadAboveBytes();
    }

    /** Lazily, like the pooled path: nothing runs before subscription, and a throw becomes a failure. */
    private static <T> Uni<T> inline(Supplier<T> work) {
        return Uni.createFrom().item(work);
    }

    /**
     * Vert.x runs the task on a pool thread and completes its future on the context that submitted it, i.e. the
     * subscriber's: Mutiny's binding submits at subscription. Unordered, so tasks use every thread.
     */
    private <T> Uni<T> onPool(Supplier<T> work) {
        return Uni.createFrom().deferred(() -> {
            waiting.incrementAndGet();
            return workers.executeBlocking(() -> {
                waiting.decrementAndGet();
                return work.get();
            }, false);
        });
    }
}
