-- Whether a batch still has running jobs (BatchStore.ANNOUNCE_FINISHED, checked after every statement that ends
-- batch jobs): through job_batch_idx that check read every job of the batch, finished ones included, so it grew
-- with the batch and cost about 1 ms per check for batches of 1,000; this index holds only the running ones.
create index job_batch_running_idx on job (batch_id) where status = 'running' and batch_id is not null;
