package dev.asyncgateway.observability;

import dev.asyncgateway.store.JobsEnded;
import dev.asyncgateway.store.StateChange;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/** One log line (with the job's trace ids) and one count per ended job, however it ended (completion, cancellation). */
@ApplicationScoped
public class JobEndLog {

    private static final Logger LOG = Logger.getLogger(JobEndLog.class);

    @Inject
    GatewayMetrics metrics;

    @Inject
    JobTraces traces;

    void jobsEnded(@Observes JobsEnded event) {
        for (StateChange change : event.changes()) {
            if (change.ended()) {
                try (JobTraceScope ignored = traces.log(change.traceContext())) {
                    LOG.infof("job %s %s%s%s", change.jobId(), change.status(),
                            change.failReason() == null ? "" : ": " + change.failReason(),
                            change.callbackQueued() ? ", callback queued" : "");
                }
                metrics.jobEnded(change);
            }
        }
    }
}
