-- Web console sessions (issue 21). The browser holds a random session id in an HttpOnly cookie; only its SHA-256
-- is stored, so a copy of this table signs no one in. A session belongs to an account (signed in with its API key)
-- or to the operator (signed in with the admin token), never both. The CSRF token is per session, compared on every
-- form post. Expired rows are purged by the console itself (ConsoleSessionStore.PURGE_EXPIRED).
create table console_session (
    id_hash      bytea       primary key,
    account_id   uuid        references account (id) on delete cascade,
    operator     boolean     not null default false,
    csrf_token   text        not null,
    created_at   timestamptz not null default now(),
    expires_at   timestamptz not null,
    check (operator = (account_id is null))
);

create index console_session_expires_idx on console_session (expires_at);
