-- One row per running gateway instance, for the console's operator view (issue 21): each instance upserts its own
-- row every gateway.console.heartbeat-interval from a timer off the hot path (runner/InstanceHeartbeat) and deletes
-- it on a clean shutdown. A row not seen for gateway.console.heartbeat-stale-after is shown as stale (the instance
-- crashed or cannot reach the database); any instance's heartbeat deletes rows not seen for
-- gateway.console.heartbeat-remove-after. A handful of rows: no index beyond the key.
create table instance_heartbeat (
    instance_id          uuid        primary key,
    host_name            text        not null,
    started_at           timestamptz not null,
    last_seen_at         timestamptz not null,
    jobs_in_flight       int         not null,
    deliveries_in_flight int         not null,
    renders_in_flight    int         not null
);
