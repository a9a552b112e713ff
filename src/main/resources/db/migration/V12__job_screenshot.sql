-- The full-page PNG of a rendered job (apiParams.screenshot), served at GET /jobs/{id}/screenshot. Kept apart from
-- the job row so that reading and listing jobs never touch megabytes of image; it goes with its job (retention).
create table job_screenshot (
    job_id      uuid        primary key references job (id) on delete cascade,
    png         bytea       not null,
    created_at  timestamptz not null default now()
);
