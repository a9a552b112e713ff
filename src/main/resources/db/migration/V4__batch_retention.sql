-- Retention of batches (BatchStore.PURGE_EMPTIED): the oldest batches first, checked for remaining jobs
-- through job_batch_idx.
create index batch_created_idx on batch (created_at);
