-- A batch-finished event belongs to its batch, as a callback belongs to its job: retention removes it (and its
-- attempt log) with the batch, and keeps the batch while the event is pending (BatchStore.PURGE_EMPTIED).
alter table delivery add column batch_id uuid references batch (id) on delete cascade;
create index delivery_batch_idx on delivery (batch_id) where batch_id is not null;

-- Events queued before this migration name their batch only in the payload.
update delivery d set batch_id = b.id
from batch b
where d.kind = 'batch-finished' and d.job_id is null and d.batch_id is null
  and b.id = (d.payload::jsonb ->> 'batchId')::uuid;

-- Deliveries of neither a job nor a batch (events of batches purged before this migration), ended ones purged
-- oldest first (DeliveryStore.PURGE_UNOWNED).
create index delivery_unowned_ended_idx on delivery (ended_at) where job_id is null and batch_id is null;

-- How many of an account's jobs are leased right now (what the in-flight cap counts), under a lock on the account
-- held until the transaction ends. A statement's snapshot misses the leases of claims that have not committed yet,
-- so each claim (JobStore.CLAIM) and each insert of leased jobs (JobStore.INSERT_SINGLE_JOBS), on any instance,
-- recounts here the accounts it leases jobs of: waiting for the lock is waiting for the other statement to commit,
-- and the count then runs on a fresh snapshot (a volatile function takes one per query) that sees its leases.
-- Callers take the locks in account order, so statements never wait for each other in a cycle. The first key tells
-- this lock from other advisory locks.
create function job_account_leases_locked(account uuid) returns bigint
    language plpgsql volatile strict as $$
begin
    perform pg_advisory_xact_lock(hashtext('job_account_leases'), hashtext(account::text));
    return (select count(*) from job
            where account_id = account and status = 'running' and lease_token is not null and due_at > now());
end
$$;
