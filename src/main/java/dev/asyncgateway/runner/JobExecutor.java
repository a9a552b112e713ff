package dev.asyncgateway.runner;

import dev.asyncgateway.common.CpuWorkers;
import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.observability.GatewayMetrics;
import dev.asyncgateway.outbound.FetchResult;
import dev.asyncgateway.outbound.ProxyPool;
import dev.asyncgateway.queue.WakeUpSignal;
import dev.asyncgateway.render.Renderer;
import dev.asyncgateway.store.ApiParams;
import dev.asyncgateway.store.FetchAttempt;
import dev.asyncgateway.observability.JobAttemptTrace;
import dev.asyncgateway.observability.JobTraces;
import dev.asyncgateway.observability.JobTraceScope;
import dev.asyncgateway.observability.LatencyExemplars;
import dev.asyncgateway.store.JobOutcome;
import dev.asyncgateway.store.JobRow;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Runs one claimed job once: fetch its target, decide finished / failed / retry, record that. */
@ApplicationScoped
public class JobExecutor {

    private static final Logger LOG = Logger.getLogger(JobExecutor.class);

    static final String TIMED_OUT = "failed_due_to_timeout";
    /** The job's stored request (headers, apiParams) cannot be read: no attempt could ever send it. */
    static final String INVALID_STORED_REQUEST = "invalid_stored_request";

    @Inject
    TargetRequestFactory targetRequests;

    @Inject
    TargetFetcher fetcher;

    @Inject
    RenderStep renderStep;

    @Inject
    RetryPolicy retryPolicy;

    @Inject
    ResponseRenderer renderer;

    @Inject
    CpuWorkers cpuWorkers;

    @Inject
    JobCompletion completion;

    @Inject
    WakeUpSignal wakeUp;

    @Inject
    GatewayConfig config;

    @Inject
    GatewayMetrics metrics;

    @Inject
    ProxyPool proxies;

    @Inject
    JobTraces traces;

    /** One fetch attempt; calls {@code fetched} when the fetch is over, completes when its outcome is recorded. */
    public Uni<Void> run(JobRow job, UUID leaseToken, Runnable fetched) {
        JobAttemptTrace trace = traces.attempt(job);
        return trace.covering(attempt(job, leaseToken, fetched, trace));
    }

    private Uni<Void> attempt(JobRow job, UUID leaseToken, Runnable fetched, JobAttemptTrace trace) {
        Duration timeLeft = Duration.between(OffsetDateTime.now(), job.deadlineAt());
        // Under a millisecond counts as none: timers cannot be shorter, and a retry is often claimed right at the deadline.
        if (timeLeft.toMillis() < 1) {
            return record(JobOutcome.failed(job.id(), leaseToken, TIMED_OUT), trace);
        }
        TargetRequest target;
        try {
            target = targetRequests.of(job);
        } catch (RuntimeException e) {
            return unreadable(job, leaseToken, e, trace);
        }
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        // With a proxy pool, each attempt (a fetch, or a browser's page load) goes through one of its proxies, a
        // retry through the next one.
        ProxyPool.Proxy proxy = proxies.choose(job.id(), job.accountId(), target.params(), job.attempts());
        if (target.params().render()) {
            // A render waits for a page of its own (gateway.render.concurrency), never in a fetch slot.
            fetched.run();
            trace.fetching(target.method(), target.url(), target.headers());
            return renderStep.render(job, target, timeLeft, proxy)
                    .chain(page -> {
                        FetchAttempt attempt = attempted(page.result(), startedAt, start,
                                Renderer.triedTheNetwork(page.result()) ? proxy : null, true, trace);
                        return decide(job, leaseToken, target, page.result(), trace)
                                .map(outcome -> outcome.withAttempt(attempt))
                                .chain(outcome -> renderStep.keepScreenshot(outcome, page));
                    })
                    .chain(outcome -> record(outcome, trace));
        }
        TargetRequest sent = target.withHeaders(trace.fetching(target.method(), target.url(), target.headers()));
        return fetcher.fetch(sent, timeLeft, proxy)
                .chain(result -> {
                    FetchAttempt attempt = attempted(result, startedAt, start, proxy, false, trace);
                    fetched.run();
                    return decide(job, leaseToken, target, result, trace).map(outcome -> outcome.withAttempt(attempt));
                })
                .chain(outcome -> record(outcome, trace));
    }

    /**
     * What every fetch or render does when it is over: its meter, its proxy's health (when it went through one),
     * its span, and the attempt as the job's timeline keeps it (written with the attempt's outcome, see
     * {@link JobOutcome#attempt()}).
     */
    private FetchAttempt attempted(FetchResult result, Instant startedAt, long start, ProxyPool.Proxy proxy,
                                   boolean rendered, JobAttemptTrace trace) {
        long elapsed = System.nanoTime() - start;
        try (LatencyExemplars.Named ignored = trace.fetchScope()) {
            metrics.fetchAttempt(result, elapsed);
        }
        if (proxy != null) {
            proxies.report(proxy, !ProxyPool.isConnectionFailure(result));
        }
        trace.fetched(result);
        Integer statusCode = result instanceof FetchResult.Answer answer ? answer.statusCode() : null;
        String errorKind = result instanceof FetchResult.Failure failure ? failure.kind() : null;
        return FetchAttempt.of(startedAt, TimeUnit.NANOSECONDS.toMillis(elapsed), statusCode, errorKind, rendered,
                proxy == null ? null : proxy.label());
    }

    /** Fails the job now: left to its lease, it would be claimed and crash again until its deadline. */
    private Uni<Void> unreadable(JobRow job, UUID leaseToken, RuntimeException e, JobAttemptTrace trace) {
        try (JobTraceScope ignored = trace.log()) {
            // The exception only, never its cause: a JSON parser quotes the stored text, which may hold the client's credentials.
            LOG.warnf("job %s: its stored request cannot be read (%s); it fails", job.id(), e.toString());
        }
        return record(JobOutcome.failed(job.id(), leaseToken, INVALID_STORED_REQUEST), trace);
    }

    private Uni<Void> record(JobOutcome outcome, JobAttemptTrace trace) {
        trace.decided(outcome);
        return completion.record(outcome).invoke(() -> {
            if (outcome.retryDelay() != null && outcome.retryDelay().compareTo(config.runner().pollInterval()) < 0) {
                wakeUp.jobsDueIn(outcome.retryDelay());
            }
        });
    }

    private Uni<JobOutcome> decide(JobRow job, UUID leaseToken, TargetRequest target, FetchResult result,
                                   JobAttemptTrace trace) {
        if (result instanceof FetchResult.Answer answer) {
            if (retryPolicy.isRetryable(answer.statusCode(), target.params().retry404())) {
                return Uni.createFrom().item(JobOutcome.retry(job.id(), leaseToken,
                        retryPolicy.delayAfter(job.attempts(), answer.headers().get("retry-after"))));
            }
            return render(answer, target.params()).map(response -> JobOutcome.finished(job.id(), leaseToken, response));
        }
        FetchResult.Failure failure = (FetchResult.Failure) result;
        try (JobTraceScope ignored = trace.log()) {
            LOG.debugf("job %s attempt %d: %s (%s)", job.id(), job.attempts(), failure.kind(), failure.message());
        }
        if (failure.retryable()) {
            return Uni.createFrom().item(JobOutcome.retry(job.id(), leaseToken, retryPolicy.delayAfter(job.attempts(), null)));
        }
        return Uni.createFrom().item(JobOutcome.failed(job.id(), leaseToken, failure.kind()));
    }

    /** Off the event loop when large, and always when converting: a conversion costs far more per byte than encoding. */
    private Uni<String> render(FetchResult.Answer answer, ApiParams params) {
        Supplier<String> rendering = () -> renderer.render(answer, params);
        return params.outputFormat() == null ? cpuWorkers.run(answer.body().length, rendering) : cpuWorkers.run(rendering);
    }
}
