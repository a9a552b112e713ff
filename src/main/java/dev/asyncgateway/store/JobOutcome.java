package dev.asyncgateway.store;

import java.time.Duration;
import java.util.UUID;

/**
 * What a fetch attempt decided for a claimed job.
 *
 * @param status     {@code finished}, {@code failed}, or {@code running} to retry after {@code retryDelay}
 * @param response   the job's {@code response} object as JSON, when finished
 * @param failReason why it failed, when failed
 * @param callbackLeaseToken null, or the lease under which this instance would send the job's callback at once
 *                           (see {@link JobStore#complete})
 * @param attempt    the fetch attempt that decided it, for the job's timeline; null when no fetch was made
 */
public record JobOutcome(UUID jobId, UUID leaseToken, String status, String response, String failReason, Duration retryDelay,
                         UUID callbackLeaseToken, FetchAttempt attempt) {

    public static JobOutcome finished(UUID jobId, UUID leaseToken, String response) {
        return new JobOutcome(jobId, leaseToken, "finished", response, null, null, null, null);
    }

    public static JobOutcome failed(UUID jobId, UUID leaseToken, String failReason) {
        return new JobOutcome(jobId, leaseToken, "failed", null, failReason, null, null, null);
    }

    public static JobOutcome retry(UUID jobId, UUID leaseToken, Duration delay) {
        return new JobOutcome(jobId, leaseToken, "running", null, null, delay, null, null);
    }

    public boolean endsJob() {
        return !"running".equals(status);
    }

    public JobOutcome withCallbackLease(UUID token) {
        return new JobOutcome(jobId, leaseToken, status, response, failReason, retryDelay, token, attempt);
    }

    public JobOutcome withAttempt(FetchAttempt fetchAttempt) {
        return new JobOutcome(jobId, leaseToken, status, response, failReason, retryDelay, callbackLeaseToken, fetchAttempt);
    }
}
