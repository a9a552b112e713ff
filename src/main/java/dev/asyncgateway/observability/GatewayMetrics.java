package dev.asyncgateway.observability;

import dev.asyncgateway.outbound.FetchResult;
import dev.asyncgateway.store.StateChange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The gateway's own meters, published at {@code /q/metrics}. Tags take values from small fixed sets
 * (job fail reasons, failure kinds, status classes) so the number of series stays bounded.
 */
@ApplicationScoped
public class GatewayMetrics {

    /** Bucket bounds of the attempt duration histograms: from a fast local answer to the longest timeout. */
    private static final Duration[] ATTEMPT_BUCKETS = {
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(60)};

    /** An answer's status class by its first digit, without building the string each time. */
    private static final String[] STATUS_CLASSES = {"0xx", "1xx", "2xx", "3xx", "4xx", "5xx", "6xx", "7xx", "8xx", "9xx"};

    @Inject
    MeterRegistry registry;

    private Counter submitted;
    private DistributionSummary insertedTogether;
    private Counter finished;
    /** One meter per tag value, created on first use; each key set is one of the small fixed sets named above. */
    private final Map<String, Counter> startedWithoutClaim = new ConcurrentHashMap<>();
    private final Map<String, Counter> failedByReason = new ConcurrentHashMap<>();
    private final Map<String, Timer> fetchAttempts = new ConcurrentHashMap<>();
    private final Map<String, Timer> deliveryAttempts = new ConcurrentHashMap<>();
    private final Map<String, Timer> renderAttempts = new ConcurrentHashMap<>();
    private Counter browserRestarts;

    @PostConstruct
    void createMeters() {
        submitted = Counter.builder("gateway.jobs.submitted").description("Jobs accepted by POST /jobs and POST /batchjobs")
                .register(registry);
        insertedTogether = DistributionSummary.builder("gateway.jobs.insert.group")
                .description("POST /jobs submissions written by one shared insert (group commit)")
                .register(registry);
        finished = Counter.builder("gateway.jobs.finished").description("Jobs that ended with the target's answer")
                .register(registry);
        browserRestarts = Counter.builder("gateway.render.browser.restarts")
                .description("Browsers started again (or browser services reconnected) after the first, e.g. after a crash")
                .register(registry);
    }

    public void jobsSubmitted(int count) {
        submitted.increment(count);
    }

    /** Rows per insert of single-URL submissions: how well group commit shares a transaction between requests. */
    public void singleSubmissionsInsertedTogether(int rows) {
        insertedTogether.record(rows);
    }

    /**
     * Work leased to this instance as it was stored and started without a claim: {@code job}s at submission,
     * callback {@code delivery}s as their job ends (see JobSubmissionService, JobCompletion).
     */
    public void startedWithoutClaim(String work, int count) {
        startedWithoutClaim.computeIfAbsent(work, tag -> Counter.builder("gateway.started.without.claim")
                        .description("Jobs started as they were submitted, and callbacks sent as their job ended, without a claim")
                        .tag("work", tag)
                        .register(registry))
                .increment(count);
    }

    /** Counts a job that ended, as {@code gateway.jobs.finished} or {@code gateway.jobs.failed} by reason. */
    public void jobEnded(StateChange change) {
        if ("finished".equals(change.status())) {
            finished.increment();
        } else if (change.ended()) {
            failedByReason.computeIfAbsent(String.valueOf(change.failReason()), reason -> Counter.builder("gateway.jobs.failed")
                            .description("Jobs that ended without an answer, by fail reason")
                            .tag("reason", reason)
                            .register(registry))
                    .increment();
        }
    }

    /** One fetch attempt: its outcome is the answer's status class ({@code 2xx} ...) or the failure kind. */
    public void fetchAttempt(FetchResult result, long durationNanos) {
        fetchAttempts.computeIfAbsent(outcome(result), tag -> attemptTimer("gateway.fetch.attempts",
                        "Target fetch attempts and their duration, by outcome", tag))
                .record(durationNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * One render in the browser, from asking for a page to its end (the wait for a free page included): its outcome
     * is the main document's status class or the failure kind ({@code renderer_crashed}, {@code timeout} ...).
     */
    public void renderAttempt(FetchResult result, long durationNanos) {
        renderAttempts.computeIfAbsent(outcome(result), tag -> attemptTimer("gateway.render.attempts",
                        "Renders in the browser and their duration (waiting for a page included), by outcome", tag))
                .record(durationNanos, TimeUnit.NANOSECONDS);
    }

    public void browserRestarted() {
        browserRestarts.increment();
    }

    /** Pages of the browser in use, and renders waiting for one, read from {@code pages} when scraped. */
    public <T> void renderPages(T pages, ToDoubleFunction<T> inUse, ToDoubleFunction<T> waiting) {
        Gauge.builder("gateway.render.pages", pages, inUse).description("Browser pages rendering now").tag("state", "in_use")
                .strongReference(true).register(registry);
        Gauge.builder("gateway.render.pages", pages, waiting).description("Renders waiting for a browser page")
                .tag("state", "waiting").strongReference(true).register(registry);
    }

    private static String outcome(FetchResult result) {
        return result instanceof FetchResult.Answer answer
                ? statusClass(answer.statusCode())
                : ((FetchResult.Failure) result).kind();
    }

    /** One callback or notification delivery attempt; {@code outcome} is {@code delivered}, {@code retry} or {@code failed}. */
    public void deliveryAttempt(String outcome, Duration duration) {
        deliveryAttempts.computeIfAbsent(outcome, tag -> attemptTimer("gateway.callback.attempts",
                        "Callback and notification delivery attempts and their duration, by outcome", tag))
                .record(duration);
    }

    private static String statusClass(int statusCode) {
        int digit = statusCode / 100;
        return digit >= 0 && digit < STATUS_CLASSES.length ? STATUS_CLASSES[digit] : digit + "xx";
    }

    private Timer attemptTimer(String name, String description, String outcome) {
        return Timer.builder(name).description(description).tag("outcome", outcome)
                .serviceLevelObjectives(ATTEMPT_BUCKETS)
                .register(registry);
    }
}
