-- Fair claiming (JobStore.CLAIM): walks the accounts that have due jobs (a loose index scan in
-- account order) and takes each account's oldest due jobs, both from this index.
create index job_account_due_idx on job (account_id, due_at) where status = 'running';

-- Jobs currently leased, per account: what the per-account in-flight cap counts. Small, since it
-- holds only jobs being fetched right now.
create index job_account_leased_idx on job (account_id, due_at) where status = 'running' and lease_token is not null;

-- A replayed Idempotency-Key must be the same request: SHA-256 of its body, compared on replay.
alter table idempotency_key add column request_hash bytea;

-- Expired keys are purged oldest first.
create index idempotency_key_created_idx on idempotency_key (created_at);
