package dev.asyncgateway.callback;

import dev.asyncgateway.common.ClientError;
import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.job.JobQueryService;
import dev.asyncgateway.observability.StoredTraceContext;
import dev.asyncgateway.queue.WakeUpSignal;
import dev.asyncgateway.store.DeliveryAttempt;
import dev.asyncgateway.store.DeliveryStore;
import dev.asyncgateway.store.JobRow;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.UUID;

/** A job's callback as its owner manages it: the attempt log, and a manual retry. */
@ApplicationScoped
public class CallbackService {

    @Inject
    JobQueryService jobs;

    @Inject
    DeliveryStore store;

    @Inject
    WakeUpSignal wakeUp;

    @Inject
    GatewayConfig config;

    /** A job's callback attempts, with the id of the job's trace (null when it has none) to find their spans by. */
    public record JobAttempts(String traceId, List<DeliveryAttempt> attempts) {
    }

    public Uni<JobAttempts> attempts(UUID jobId, UUID accountId) {
        return jobs.getOwned(jobId, accountId).chain(job -> store.attempts(job.id())
                .map(attempts -> new JobAttempts(StoredTraceContext.traceId(job.traceContext()), attempts)));
    }

    /**
     * Starts a fresh delivery (with all its attempts) of an ended job's callback, to wherever its callback
     * goes now; 409 while a delivery is in progress. Answers the job as it is then.
     */
    public Uni<JobRow> retry(UUID jobId, UUID accountId) {
        return jobs.getOwned(jobId, accountId).chain(job -> {
            if (job.isRunning()) {
                throw ClientError.conflict("the job has not ended yet; its callback is sent when it does");
            }
            return store.retry(job.id(), config.callback().maxAttempts());
        }).chain(result -> switch (result) {
            case NO_CALLBACK_URL -> Uni.createFrom().failure(ClientError.conflict(
                    "the job has no callback URL, and neither its project nor the account has a webhook"));
            case IN_PROGRESS -> Uni.createFrom().failure(ClientError.conflict("a delivery of this callback is in progress"));
            // Woken after the read, so the answer shows the fresh delivery as it starts: pending.
            case QUEUED -> jobs.get(jobId).invoke(wakeUp::deliveriesAdded);
        });
    }
}
