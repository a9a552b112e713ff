-- Accounts own jobs; the API key is stored only as its SHA-256 hash.
create table account (
    id                       uuid primary key,
    name                     text        not null,
    api_key_hash             bytea       not null unique,
    webhook_secret           text        not null,
    previous_webhook_secret  text,
    previous_secret_until    timestamptz,
    webhook_url              text,
    webhook_headers          text,
    webhook_encoding         text        not null default 'json',
    notification_url         text,
    created_at               timestamptz not null default now()
);

-- Per-project callback settings; a job names its project with the "project" field.
create table project_webhook (
    account_id       uuid not null references account (id) on delete cascade,
    project          text not null,
    url              text not null,
    headers          text,
    encoding         text not null default 'json',
    updated_at       timestamptz not null default now(),
    primary key (account_id, project)
);

-- The durable queue. A running job is due when due_at has passed; claiming it moves due_at
-- forward by the lease, so a crashed worker's job simply becomes due again.
create table job (
    id                      uuid primary key,
    account_id              uuid        not null references account (id) on delete cascade,
    batch_id                uuid,
    status                  text        not null default 'running',
    status_url              text        not null,
    url                     text        not null,
    method                  text        not null default 'GET',
    headers                 text,
    body                    text,
    api_params              text,
    callback_url            text,
    project                 text,
    expect_unsuccess_report boolean     not null default false,
    meta                    text,
    attempts                integer     not null default 0,
    due_at                  timestamptz not null default now(),
    lease_token             uuid,
    deadline_at             timestamptz not null,
    response                text,
    fail_reason             text,
    created_at              timestamptz not null default now(),
    finished_at             timestamptz
);

-- Claiming scans only running jobs in due order.
create index job_due_idx on job (due_at) where status = 'running';
-- Listing an account's jobs newest first with a (created_at, id) cursor.
create index job_account_created_idx on job (account_id, created_at desc, id desc);
-- Retention purges ended jobs oldest first.
create index job_finished_idx on job (finished_at) where status <> 'running';
create index job_batch_idx on job (batch_id) where batch_id is not null;

-- Outbox of webhook deliveries: a callback row is written in the same transaction that ends its job.
create table delivery (
    id            uuid primary key,
    job_id        uuid        references job (id) on delete cascade,
    account_id    uuid        not null references account (id) on delete cascade,
    kind          text        not null,
    url           text        not null,
    headers       text,
    encoding      text        not null default 'json',
    payload       text,
    status        text        not null default 'pending',
    attempts      integer     not null default 0,
    max_attempts  integer     not null,
    due_at        timestamptz not null default now(),
    lease_token   uuid,
    last_status   integer,
    last_error    text,
    created_at    timestamptz not null default now(),
    ended_at      timestamptz
);

create index delivery_due_idx on delivery (due_at) where status = 'pending';
create index delivery_job_idx on delivery (job_id, created_at desc);

-- One row per HTTP attempt of a delivery, with the start of the receiver's answer.
create table delivery_attempt (
    delivery_id    uuid        not null references delivery (id) on delete cascade,
    attempt        integer     not null,
    started_at     timestamptz not null,
    duration_ms    integer     not null,
    status_code    integer,
    error_kind     text,
    error          text,
    response_body  text,
    primary key (delivery_id, attempt)
);

-- A batch of jobs submitted together; batch-finished is announced once when all have ended.
create table batch (
    id            uuid primary key,
    account_id    uuid        not null references account (id) on delete cascade,
    size          integer     not null,
    announced     boolean     not null default false,
    created_at    timestamptz not null default now()
);

-- Idempotency-Key replay: the jobs a request created, per account, for 24 hours.
create table idempotency_key (
    account_id    uuid        not null references account (id) on delete cascade,
    key           text        not null,
    job_ids       uuid[]      not null,
    batch         boolean     not null,
    created_at    timestamptz not null default now(),
    primary key (account_id, key)
);
