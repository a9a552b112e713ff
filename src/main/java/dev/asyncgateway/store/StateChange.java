package dev.asyncgateway.store;

import java.util.UUID;

/**
 * A job whose state a statement changed, and whether that also queued its callback.
 *
 * @param leasedCallback the queued callback when it was leased to this instance at once, ready to send; else null
 */
public record StateChange(UUID jobId, String status, String failReason, UUID batchId, boolean callbackQueued,
                          ClaimedDelivery leasedCallback) {

    public boolean ended() {
        return !"running".equals(status);
    }
}
