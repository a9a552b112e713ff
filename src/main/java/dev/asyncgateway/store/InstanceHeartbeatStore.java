package dev.asyncgateway.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** The instances' heartbeat rows (see V19): each instance's work in flight, for the operator view. */
@ApplicationScoped
public class InstanceHeartbeatStore {

    /** An instance as its last heartbeat left it; {@code stale} when that is older than the stale bound of the query. */
    public record InstanceRow(UUID instanceId, String hostName, OffsetDateTime startedAt, OffsetDateTime lastSeenAt,
                              int jobsInFlight, int deliveriesInFlight, int rendersInFlight, boolean stale) {
    }

    /** This instance's row, and in the same round trip the rows of instances gone for longer than $7 seconds. */
    private static final String BEAT = """
            with removed as (
                delete from instance_heartbeat where last_seen_at < now() - make_interval(secs => $7) and instance_id <> $1)
            insert into instance_heartbeat as h (instance_id, host_name, started_at, last_seen_at, jobs_in_flight,
                                                 deliveries_in_flight, renders_in_flight)
            values ($1, $2, $3, now(), $4, $5, $6)
            on conflict (instance_id) do update set last_seen_at = now(), jobs_in_flight = $4, deliveries_in_flight = $5,
                                                    renders_in_flight = $6""";

    private static final String REMOVE = "delete from instance_heartbeat where instance_id = $1";

    private static final String LIST = """
            select instance_id, host_name, started_at, last_seen_at, jobs_in_flight, deliveries_in_flight, renders_in_flight,
                   last_seen_at < now() - make_interval(secs => $1) as stale
            from instance_heartbeat order by host_name, started_at, instance_id limit $2""";

    @Inject
    Pool pool;

    /**
     * Writes this instance's row.
     *
     * @param removeAfter rows of other instances not seen for this long are deleted
     */
    public Uni<Void> beat(UUID instanceId, String hostName, OffsetDateTime startedAt, int jobs, int deliveries,
                          int renders, Duration removeAfter) {
        Tuple params = Tuple.from(Arrays.asList(instanceId, hostName, startedAt, jobs, deliveries, renders,
                JobStore.seconds(removeAfter)));
        return pool.preparedQuery(BEAT).execute(params).replaceWithVoid();
    }

    public Uni<Void> remove(UUID instanceId) {
        return pool.preparedQuery(REMOVE).execute(Tuple.of(instanceId)).replaceWithVoid();
    }

    /** Up to {@code limit} instances, those not seen for {@code staleAfter} marked stale. */
    public Uni<List<InstanceRow>> list(Duration staleAfter, int limit) {
        return pool.preparedQuery(LIST).execute(Tuple.of(JobStore.seconds(staleAfter), limit)).map(rows -> {
            List<InstanceRow> list = new ArrayList<>(rows.size());
            for (Row row : rows) {
                list.add(new InstanceRow(row.getUUID("instance_id"), row.getString("host_name"),
                        row.getOffsetDateTime("started_at"), row.getOffsetDateTime("last_seen_at"),
                        row.getInteger("jobs_in_flight"), row.getInteger("deliveries_in_flight"),
                        row.getInteger("renders_in_flight"), row.getBoolean("stale")));
            }
            return list;
        });
    }
}
