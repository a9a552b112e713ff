package dev.asyncgateway.render;

import dev.asyncgateway.common.CpuWorkers;
import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.config.RenderConfig;
import dev.asyncgateway.observability.GatewayMetrics;
import dev.asyncgateway.outbound.FetchResult;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Renders pages in the browser, at most {@code gateway.render.concurrency} at once, each within its attempt's time.
 * The one place that says whether rendering is offered at all ({@link #available()}).
 */
@ApplicationScoped
public class Renderer {

    @Inject
    Browser browser;

    @Inject
    RenderConfig settings;

    @Inject
    GatewayConfig config;

    @Inject
    CpuWorkers cpu;

    @Inject
    io.vertx.mutiny.core.Vertx vertx;

    @Inject
    GatewayMetrics metrics;

    @Inject
    EgressProxy egress;

    private RenderSlots slots;

    @PostConstruct
    void createSlots() {
        slots = new RenderSlots(settings.concurrency(), settings.queueMax());
        metrics.renderPages(slots, RenderSlots::busy, RenderSlots::waiting);
    }

    /** Whether {@code render}, {@code wait_for_selector} and {@code screenshot} can be honoured by this gateway. */
    public boolean available() {
        return browser.available();
    }

    /** Pages being rendered now. */
    public int rendering() {
        return slots.busy();
    }

    /**
     * One render attempt: the page, or the reason there was none as a {@link FetchResult.Failure}, never a failed
     * {@link Uni}. Waiting for a page may take the job's whole {@code timeLeft} (its lease is renewed meanwhile, like
     * every job in flight); the page itself gets {@code pageLimit}, cut to what is left of the job's time then. So a
     * burst of renders queues behind the pages instead of timing out in the queue and being retried.
     */
    public Uni<RenderedPage> render(RenderRequest request, Duration timeLeft, Duration pageLimit) {
        long start = System.nanoTime();
        return attempt(request, start + timeLeft.toNanos(), pageLimit)
                .invoke(page -> metrics.renderAttempt(page.result(), System.nanoTime() - start));
    }

    private Uni<RenderedPage> attempt(RenderRequest request, long jobDeadline, Duration pageLimit) {
        AtomicReference<RenderSlots.Slot> held = new AtomicReference<>();
        return slots.acquire()
                .ifNoItem().after(Duration.ofNanos(Math.max(1, jobDeadline - System.nanoTime())))
                .failWith(() -> new RenderFailure("timeout", "no page was free before the job's deadline", true))
                .invoke(held::set)
                .chain(slot -> page(request, held, jobDeadline, pageLimit))
                .onTermination().invoke(() -> {
                    RenderSlots.Slot unused = held.getAndSet(null);
                    if (unused != null) {
                        unused.release();
                    }
                })
                .onFailure().recoverWithItem(Renderer::failed);
    }

    /** The page of an attempt that holds its slot, within {@code pageLimit} or what is left of the job's time. */
    private Uni<RenderedPage> page(RenderRequest request, AtomicReference<RenderSlots.Slot> held, long jobDeadline,
                                   Duration pageLimit) {
        Duration left = Duration.ofNanos(Math.max(0, jobDeadline - System.nanoTime()));
        Duration limit = left.compareTo(pageLimit) < 0 ? left : pageLimit;
        long deadline = System.nanoTime() + limit.toNanos();
        return browser.connection()
                .chain(cdp -> Uni.createFrom().completionStage(egress.address().toCompletionStage())
                        .map(egressAddress -> new PageRender(vertx.getDelegate(), cdp, request, settings, cpu,
                                config.fetch().maxBodyBytes(), browser.proxyAuth(), egress, egressAddress)))
                .chain(page -> {
                    RenderSlots.Slot slot = held.getAndSet(null);
                    return Uni.createFrom().completionStage(page.start(deadline).whenComplete((page1, failure) -> slot.release()));
                })
                .ifNoItem().after(limit.plusSeconds(1)).failWith(() -> new RenderFailure("timeout", "no page within " + limit.toMillis() + " ms", true));
    }

    /**
     * Whether an attempt's page load went out on the network, so that its result says something of its proxy: not
     * when it never had a page or a browser, or its proxy could not be used.
     */
    public static boolean triedTheNetwork(FetchResult result) {
        return !(result instanceof FetchResult.Failure failure) || switch (failure.kind()) {
            case "render_queue_full", "browser_unavailable" -> false;
            default -> true;
        };
    }

    private static RenderedPage failed(Throwable failure) {
        RenderFailure reason = failure instanceof RenderFailure r ? r : new RenderFailure("render_failed", failure.toString(), true);
        return new RenderedPage(reason.asFetchFailure(), null);
    }
}
