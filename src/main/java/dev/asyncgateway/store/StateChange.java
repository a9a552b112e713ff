package dev.asyncgateway.store;

import java.util.UUID;

/**
 * A job whose state a statement changed, and whether that also queued its callback.
 *
 * @param leasedCallback the queued callback when it was leased to this instance at once, ready to send; else null
 * @param traceContext   the job's W3C trace context, or null (see V14)
 */
public record StateChange(UUID jobId, String status, String failReason, UUID batchId, boolean callbackQueued,
                          ClaimedDelivery leasedCallback, String traceContext) {

    public boolean ended() {
        return !"running".equals(status);
    }
}
