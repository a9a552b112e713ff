package dev.asyncgateway.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

/**
 * Hands leased rows back to their queue, due at once: what graceful shutdown does with work that did not
 * finish in time. Only rows still under the given token and not ended change, and clearing the token turns
 * the abandoned attempt's late outcome into a no-op. The attempt stays counted, as after a crash. Each queue's
 * store names its statement ({@code RELEASE_LEASES}): {@code update <table> q set due_at = now(), lease_token = null}
 * for the rows of {@code unnest($1::uuid[], $2::uuid[]) as t(id, token)} still under their token and not ended.
 */
final class LeaseRelease {

    private LeaseRelease() {
    }

    /** Runs {@code statement} for the rows of {@code leaseTokensById}; emits how many were handed back. */
    static Uni<Integer> run(Pool pool, String statement, Map<UUID, UUID> leaseTokensById) {
        if (leaseTokensById.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        UUID[] ids = leaseTokensById.keySet().toArray(UUID[]::new);
        UUID[] tokens = Arrays.stream(ids).map(leaseTokensById::get).toArray(UUID[]::new);
        return pool.preparedQuery(statement).execute(Tuple.of(ids, tokens)).map(RowSet::rowCount);
    }
}
