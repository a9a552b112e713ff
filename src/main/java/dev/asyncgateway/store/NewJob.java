package dev.asyncgateway.store;

import java.util.UUID;

/**
 * One job of a single-URL submission, ready to insert.
 *
 * @param request         the submission; its only URL is the job's
 * @param headersJson     the request's headers as JSON
 * @param apiParamsJson   the request's apiParams as JSON
 * @param warningsJson    the request's warnings as a JSON array, null when there are none
 * @param leaseToken      null, or the lease under which this instance would start the job at once (see
 *                        {@link JobStore#insertSingles})
 * @param traceContext    null, or the job's W3C trace context (see V14)
 */
public record NewJob(UUID id, UUID accountId, String statusUrl, JobRequest request, String headersJson,
                     String apiParamsJson, String warningsJson, UUID leaseToken, String traceContext) {
}
