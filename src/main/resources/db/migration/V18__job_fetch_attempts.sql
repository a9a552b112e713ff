-- The last fetch attempts of a job, for the console's timeline (issue 21): a JSON array, oldest first, of
-- {"at": start (ISO-8601), "ms": duration, "status": the target's status code | "error": the failure kind,
--  "rendered": true when a browser fetched it, "proxy": the proxy's label when one was used}.
-- Written by the statement that already completes or reschedules the job (JobStore.COMPLETE), which appends the
-- attempt and keeps the last gateway.console.fetch-attempts-kept, so it costs the hot path no statement of its own.
-- Null until the first attempt is recorded; nullable without a default, so adding it rewrites no row.
alter table job add column fetch_attempts jsonb;
