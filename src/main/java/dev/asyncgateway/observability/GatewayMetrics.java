package dev.asyncgateway.observability;

import dev.asyncgateway.outbound.FetchResult;
import dev.asyncgateway.store.StateChange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;

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

    @Inject
    MeterRegistry registry;

    public void jobsSubmitted(int count) {
        Counter.builder("gateway.jobs.submitted").description("Jobs accepted by POST /jobs and POST /batchjobs")
                .register(registry).increment(count);
    }

    /** Rows per insert of single-URL submissions: how well group commit shares a transaction between requests. */
    public void singleSubmissionsInsertedTogether(int rows) {
        DistributionSummary.builder("gateway.jobs.insert.group")
                .description("POST /jobs submissions written by one shared insert (group commit)")
                .register(registry).record(rows);
    }

    /**
     * Work leased to this instance as it was stored and started without a claim: {@code job}s at submission,
     * callback {@code delivery}s as their job ends (see JobSubmissionService, JobCompletion).
     */
    public void startedWithoutClaim(String work, int count) {
        Counter.builder("gateway.started.without.claim")
                .description("Jobs started as they were submitted, and callbacks sent as their job ended, without a claim")
                .tag("work", work)
                .register(registry).increment(count);
    }

    /** Counts a job that ended, as {@code gateway.jobs.finished} or {@code gateway.jobs.failed} by reason. */
    public void jobEnded(StateChange change) {
        if ("finished".equals(change.status())) {
            Counter.builder("gateway.jobs.finished").description("Jobs that ended with the target's answer")
                    .register(registry).increment();
        } else if (change.ended()) {
            Counter.builder("gateway.jobs.failed").description("Jobs that ended without an answer, by fail reason")
                    .tag("reason", String.valueOf(change.failReason()))
                    .register(registry).increment();
        }
    }

    /** One fetch attempt: its outcome is the answer's status class ({@code 2xx} ...) or the failure kind. */
    public void fetchAttempt(FetchResult result, long durationNanos) {
        String outcome = result instanceof FetchResult.Answer answer
                ? answer.statusCode() / 100 + "xx"
                : ((FetchResult.Failure) result).kind();
        attemptTimer("gateway.fetch.attempts", "Target fetch attempts and their duration, by outcome", outcome)
                .record(Duration.ofNanos(durationNanos));
    }

    /** One callback or notification delivery attempt; {@code outcome} is {@code delivered}, {@code retry} or {@code failed}. */
    public void deliveryAttempt(String outcome, Duration duration) {
        attemptTimer("gateway.callback.attempts", "Callback and notification delivery attempts and their duration, by outcome",
                outcome).record(duration);
    }

    private Timer attemptTimer(String name, String description, String outcome) {
        return Timer.builder(name).description(description).tag("outcome", outcome)
                .serviceLevelObjectives(ATTEMPT_BUCKETS)
                .register(registry);
    }
}
