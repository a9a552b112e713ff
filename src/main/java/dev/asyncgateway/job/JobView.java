package dev.asyncgateway.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.asyncgateway.common.CredentialMask;
import dev.asyncgateway.observability.StoredTraceContext;
import dev.asyncgateway.store.JobRow;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A job as clients see it at its {@code statusUrl}, in lists, and as a callback body. The shape is
 * ScraperAPI's; {@code meta}, {@code warnings} and {@code response} are passed through as stored, without re-parsing.
 * {@code warnings} (what the submission asked for that was ignored, a JSON array of sentences) is absent when empty.
 * {@code traceId} (not ScraperAPI's) names the job's OpenTelemetry trace, when the job has one.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"id", "status", "statusUrl", "url", "attempts", "batchId", "project", "meta", "warnings",
        "failReason", "response", "callback", "createdAt", "finishedAt", "traceId"})
public record JobView(
        UUID id,
        String status,
        String statusUrl,
        String url,
        int attempts,
        UUID batchId,
        String project,
        @JsonRawValue String meta,
        @JsonRawValue String warnings,
        String failReason,
        @JsonRawValue String response,
        CallbackView callback,
        OffsetDateTime createdAt,
        OffsetDateTime finishedAt,
        String traceId) {

    /** The state of the job's webhook delivery; credentials in the URL are masked. */
    @RegisterForReflection
    public record CallbackView(String url, String status, int attempts) {
    }

    public static JobView of(JobRow job) {
        return new JobView(job.id(), job.status(), job.statusUrl(), job.url(), job.attempts(), job.batchId(),
                job.project(), job.meta(), job.warnings(), job.failReason(), job.response(), callback(job), job.createdAt(),
                job.finishedAt(), StoredTraceContext.traceId(job.traceContext()));
    }

    private static CallbackView callback(JobRow job) {
        if (job.callback() != null) {
            return new CallbackView(CredentialMask.url(job.callback().url()), job.callback().status(), job.callback().attempts());
        }
        if (job.callbackUrl() != null && job.isRunning()) {
            return new CallbackView(CredentialMask.url(job.callbackUrl()), "pending", 0);
        }
        return null;
    }
}
