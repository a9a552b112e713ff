package dev.asyncgateway.job;

import dev.asyncgateway.common.ClientError;
import dev.asyncgateway.config.GatewayConfig;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-account submission rate limit: a token bucket per account (bucket4j), refilled at
 * {@code gateway.jobs.submissions-per-second} up to {@code gateway.jobs.submission-burst}. Kept in
 * memory, so each instance limits on its own: N instances behind a balancer allow up to N times the rate.
 */
@ApplicationScoped
public class SubmissionRateLimiter {

    @Inject
    GatewayConfig config;

    /** One bucket per account that submitted; accounts are authenticated first, so this grows only with real accounts. */
    private final Map<UUID, Bucket> buckets = new ConcurrentHashMap<>();

    /** Takes one submission from the account's bucket, or fails with 429 and the time until the next one is allowed. */
    public void acquire(UUID accountId) {
        ConsumptionProbe probe = buckets.computeIfAbsent(accountId, id -> newBucket()).tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            // Retry-After is in whole seconds: round up, so a client that waits that long is let in.
            long seconds = (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L;
            throw ClientError.rateLimited(Duration.ofSeconds(seconds));
        }
    }

    private Bucket newBucket() {
        GatewayConfig.Jobs jobs = config.jobs();
        Duration refillPeriod = Duration.ofNanos(Math.max(1, (long) (1_000_000_000L / jobs.submissionsPerSecond())));
        return Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(jobs.submissionBurst()).refillGreedy(1, refillPeriod).build())
                .build();
    }
}
