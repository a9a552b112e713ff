package dev.asyncgateway.runner;

import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.outbound.FetchResult;
import dev.asyncgateway.outbound.ProxyPool;
import dev.asyncgateway.render.RenderRequest;
import dev.asyncgateway.render.RenderedPage;
import dev.asyncgateway.render.Renderer;
import dev.asyncgateway.store.JobOutcome;
import dev.asyncgateway.store.JobRow;
import dev.asyncgateway.store.ScreenshotStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The attempt of a job with {@code render}: its target loaded in the browser instead of fetched. The page's answer
 * goes through the same decision as a fetched one (retryable statuses, output format); its screenshot is stored
 * just before the finished outcome, and named by the {@code sa-screenshot} header, as ScraperAPI does.
 */
@ApplicationScoped
public class RenderStep {

    static final String SCREENSHOT_HEADER = "sa-screenshot";

    @Inject
    Renderer renderer;

    @Inject
    ScreenshotStore screenshots;

    @Inject
    GatewayConfig config;

    /**
     * One render through {@code proxy} unless null: it may wait for a page for the job's remaining time, and the page
     * gets the attempt timeout.
     */
    public Uni<RenderedPage> render(JobRow job, TargetRequest target, Duration timeLeft, ProxyPool.Proxy proxy) {
        RenderRequest request = new RenderRequest(target.url(), target.headers().get("User-Agent"),
                "mobile".equals(target.params().deviceType()), target.params().waitForSelector(), target.params().screenshot(),
                Optional.ofNullable(proxy));
        return renderer.render(request, timeLeft, config.fetch().attemptTimeout()).map(page -> withScreenshotHeader(job, page));
    }

    /** Stores the screenshot when the job is finishing with this page; other outcomes keep none. */
    public Uni<JobOutcome> keepScreenshot(JobOutcome outcome, RenderedPage page) {
        if (page.screenshot() == null || !"finished".equals(outcome.status())) {
            return Uni.createFrom().item(outcome);
        }
        return screenshots.save(outcome.jobId(), outcome.leaseToken(), page.screenshot()).replaceWith(outcome);
    }

    private static RenderedPage withScreenshotHeader(JobRow job, RenderedPage page) {
        if (page.screenshot() == null || !(page.result() instanceof FetchResult.Answer answer)) {
            return page;
        }
        Map<String, List<String>> headers = new LinkedHashMap<>(answer.headers());
        headers.put(SCREENSHOT_HEADER, List.of(job.statusUrl() + "/screenshot"));
        return new RenderedPage(new FetchResult.Answer(answer.statusCode(), headers, answer.body(), answer.finalUrl()), page.screenshot());
    }
}
