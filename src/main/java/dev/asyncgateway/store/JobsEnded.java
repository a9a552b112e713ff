package dev.asyncgateway.store;

import java.util.List;

/**
 * A CDI event: a committed statement changed these jobs, some of which ended (completion, cancellation). Fired
 * synchronously to whoever acts on ended jobs (the batch-finished check, the job-end log line and counts), so the
 * layers that end jobs name none of them.
 */
public record JobsEnded(List<StateChange> changes) {
}
