package dev.asyncgateway.store;

import io.vertx.mutiny.sqlclient.Row;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A job as stored, plus the state of its latest callback delivery when the query joined it.
 * JSON columns (headers, apiParams, meta, response, warnings) stay as text: they are written once and
 * passed through to clients without being parsed again. {@code traceContext} is the job's W3C trace context
 * as stored at submission (see V14), or null.
 */
public record JobRow(
        UUID id,
        UUID accountId,
        UUID batchId,
        String status,
        String statusUrl,
        String url,
        String method,
        String headers,
        String body,
        String apiParams,
        String callbackUrl,
        String project,
        boolean expectUnsuccessReport,
        String meta,
        int attempts,
        OffsetDateTime deadlineAt,
        UUID leaseToken,
        String response,
        String failReason,
        OffsetDateTime createdAt,
        OffsetDateTime finishedAt,
        String warnings,
        CallbackState callback,
        String traceContext) {

    /** The columns {@link #from(Row)} reads, in a form that can follow {@code select} or {@code returning}. */
    static final String COLUMNS = """
            j.id, j.account_id, j.batch_id, j.status, j.status_url, j.url, j.method, j.headers, j.body, j.api_params,
            j.callback_url, j.project, j.expect_unsuccess_report, j.meta, j.attempts, j.deadline_at, j.lease_token,
            j.response, j.fail_reason, j.created_at, j.finished_at, j.warnings, j.trace_context""";

    /** The latest callback delivery of a job, as shown on the job. */
    public record CallbackState(String url, String status, int attempts) {
    }

    static JobRow from(Row row) {
        CallbackState callback = null;
        if (row.getColumnIndex("cb_status") >= 0 && row.getString("cb_status") != null) {
            callback = new CallbackState(row.getString("cb_url"), row.getString("cb_status"), row.getInteger("cb_attempts"));
        }
        return new JobRow(
                row.getUUID("id"),
                row.getUUID("account_id"),
                row.getUUID("batch_id"),
                row.getString("status"),
                row.getString("status_url"),
                row.getString("url"),
                row.getString("method"),
                row.getString("headers"),
                row.getString("body"),
                row.getString("api_params"),
                row.getString("callback_url"),
                row.getString("project"),
                row.getBoolean("expect_unsuccess_report"),
                row.getString("meta"),
                row.getInteger("attempts"),
                row.getOffsetDateTime("deadline_at"),
                row.getUUID("lease_token"),
                row.getString("response"),
                row.getString("fail_reason"),
                row.getOffsetDateTime("created_at"),
                row.getOffsetDateTime("finished_at"),
                row.getString("warnings"),
                callback,
                row.getString("trace_context"));
    }

    public boolean isRunning() {
        return "running".equals(status);
    }
}
