-- The receiver of a delivery (lower-case host:port of its URL, credentials left out): deliveries are
-- capped per receiver, and the claim statement needs to see it to skip receivers that are busy.
alter table delivery add column receiver text generated always as
    (lower(substring(url from '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^/?#]*)'))) stored;

-- At most one callback delivery in progress per job: a manual retry while one is pending is a conflict.
create unique index delivery_one_pending_callback_idx on delivery (job_id) where kind = 'callback' and status = 'pending';

-- The batch-finished sweep looks only at batches not announced yet.
create index batch_unannounced_idx on batch (created_at) where not announced;

-- Where a job's callback goes, most specific first: the job's own URL, its project's webhook, the
-- account's webhook. Headers and encoding come from the project's settings when it has them, else the
-- account's. Used both when a job ends (outbox) and for a manual retry, so the two never disagree.
create view job_callback_target as
select j.id as job_id,
       coalesce(j.callback_url, p.url, a.webhook_url) as url,
       case when p.project is null then a.webhook_headers else p.headers end as headers,
       case when p.project is null then a.webhook_encoding else p.encoding end as encoding
from job j
join account a on a.id = j.account_id
left join project_webhook p on p.account_id = j.account_id and p.project = j.project;
