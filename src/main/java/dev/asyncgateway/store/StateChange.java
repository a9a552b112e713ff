package dev.asyncgateway.store;

import java.util.UUID;

/** A job whose state a statement changed, and whether that also queued its callback. */
public record StateChange(UUID jobId, String status, String failReason, UUID batchId, boolean callbackQueued) {

    public boolean ended() {
        return !"running".equals(status);
    }
}
