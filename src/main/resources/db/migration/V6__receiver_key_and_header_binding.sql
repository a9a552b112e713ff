-- The receiver of a delivery, the unit of the per-receiver cap: the lower-case host and the port of its URL,
-- credentials left out, the port written out even where the URL leaves it to the scheme. https://a.com,
-- https://A.com:443 and https://a.com.:0443 reach one server, so they are one receiver (V2 counted them apart).
-- Immutable, so it can compute a stored column: every insert gets its receiver without naming it.
create function url_receiver(url text) returns text
    language sql immutable strict parallel safe as $$
    select lower(rtrim(host, '.')) || ':'
           || coalesce(nullif(ltrim(port, '0'), ''), case scheme when 'https' then '443' when 'http' then '80' end, '')
    from (select lower(substring(url from '^([A-Za-z][A-Za-z0-9+.-]*)://')) as scheme,
                 substring(url from '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?(\[[^]/?#]*\]|[^:/?#]*)') as host,
                 substring(url from '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?(?:\[[^]/?#]*\]|[^:/?#]*):([0-9]*)(?:[/?#]|$)')
                     as port) parts
$$;

alter table delivery drop column receiver;
alter table delivery add column receiver text generated always as (url_receiver(url)) stored;

-- Where a job's callback goes, most specific first: the job's own URL, its project's webhook, the account's
-- webhook. Custom headers are bound to the URL they were set with, as Svix binds them to an endpoint: the
-- project's go only to the project's URL, the account's only to the account's, and a job's own callback.url
-- gets none (whoever holds an API key chooses that URL, and could read the headers back there); it is signed,
-- and Basic auth comes from its own user info. The encoding still follows the project, else the account.
create or replace view job_callback_target as
select j.id as job_id,
       coalesce(j.callback_url, p.url, a.webhook_url) as url,
       case when j.callback_url is not null then null
            when p.project is not null then p.headers
            else a.webhook_headers end as headers,
       case when p.project is null then a.webhook_encoding else p.encoding end as encoding
from job j
join account a on a.id = j.account_id
left join project_webhook p on p.account_id = j.account_id and p.project = j.project;
