package dev.asyncgateway.store;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * All SQL for jobs. Hot paths (submit, claim, complete) are single statements over arrays, so a
 * batch of any size costs one round trip; each relies on an index named in V1__schema.sql.
 */
@ApplicationScoped
public class JobStore {

    /**
     * One statement for a single job and for a batch: the batch row is written only when a batch id is
     * given. With an Idempotency-Key ($16) the key is remembered in the same statement, and nothing is
     * inserted when a live key (younger than $18 seconds) already exists: then the statement inserts no job.
     * Every job of the submission gets its trace context ($19): a batch is one trace.
     */
    private static final String INSERT_JOBS = """
            with remembered as (
                insert into idempotency_key (account_id, key, job_ids, batch, request_hash)
                select $1, $16, $14, $2::uuid is not null, $17 where $16::text is not null
                on conflict (account_id, key) do update
                    set job_ids = excluded.job_ids, batch = excluded.batch, request_hash = excluded.request_hash, created_at = now()
                    where idempotency_key.created_at < now() - make_interval(secs => $18)
                returning 1),
            accepted as (select 1 where $16::text is null or exists (select 1 from remembered)),
            new_batch as (
                insert into batch (id, account_id, size) select $2, $1, $3 from accepted where $2::uuid is not null)
            insert into job (id, account_id, batch_id, status_url, url, method, headers, body, api_params,
                             callback_url, project, expect_unsuccess_report, meta, deadline_at, warnings, trace_context)
            select u.id, $1, $2, $4 || u.id::text, u.url, $5, $6, $7, $8, $9, $10, $11, $12, now() + make_interval(secs => $13),
                   $19::text, $20
            from unnest($14::uuid[], $15::text[]) as u(id, url)
            where exists (select 1 from accepted)""";

    /**
     * Single-URL submissions of any accounts, one row per array element: concurrent {@code POST /jobs}
     * requests share this statement (see {@link GroupCommit}) instead of paying a transaction each.
     * <p>
     * A row with a lease token ($14) is stored already leased to this instance, its first attempt counted, so it
     * starts without a claim; unless that would take its account past the in-flight cap ($16, counted as the
     * claim counts it, this statement's own leases included, under the same lock: see {@link #CLAIM}): then it is
     * stored due like the rest. Returns the rows stored leased.
     * <p>
     * The warnings ($18) are taken by position rather than through the {@code unnest}: keep what comes before
     * {@code insert into job} under 1,000 characters, since PostgreSQL shows a statement's first 1,024
     * (pg_stat_activity) and StartWithoutClaimTest finds this one waiting by those words.
     */
    private static final String INSERT_SINGLE_JOBS = """
            with input as (
                select u.*, count(*) filter (where u.lease_token is not null) over (partition by u.account_id order by u.ord) as lease_turn
                from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                            $9::text[], $10::text[], $11::bool[], $12::text[], $13::float8[], $14::uuid[], $17::text[]) with ordinality
                    as u(id, account_id, status_url, url, method, headers, body, api_params, callback_url, project,
                         expect_unsuccess_report, meta, timeout_sec, lease_token, trace, ord)),
            held as (
                select a.account_id, job_account_leases_locked(a.account_id) as in_flight
                from (select distinct account_id from input where lease_token is not null order by account_id) a),
            new_rows as (
                select i.*, case when i.lease_token is null then false
                                 else i.lease_turn + h.in_flight <= $16
                            end as leased
                from input i left join held h on h.account_id = i.account_id),
            inserted as (
                insert into job as j (id, account_id, status_url, url, method, headers, body, api_params, callback_url, project,
                                      expect_unsuccess_report, meta, deadline_at, due_at, lease_token, attempts, trace_context,
                                      warnings)
                select n.id, n.account_id, n.status_url, n.url, n.method, n.headers, n.body, n.api_params, n.callback_url,
                       n.project, n.expect_unsuccess_report, n.meta, now() + make_interval(secs => n.timeout_sec),
                       case when n.leased then now() + make_interval(secs => $15) else now() end,
                       case when n.leased then n.lease_token end,
                       case when n.leased then 1 else 0 end,
                       n.trace,
                       ($18::text[])[n.ord::int]
                from new_rows n
                returning\s""" + JobRow.COLUMNS + """
            )
            select * from inserted where lease_token is not null""";

    /** Latest callback delivery of each job, for the job's {@code callback} field. */
    static final String CALLBACK_JOIN = """
            left join lateral (
                select d.url as cb_url, d.status as cb_status, d.attempts as cb_attempts from delivery d
                where d.job_id = j.id and d.kind = 'callback' order by d.created_at desc limit 1) cb on true""";

    private static final String SELECT_JOB = "select " + JobRow.COLUMNS + ", cb.* from job j " + CALLBACK_JOIN
            + " where j.id = $1";

    private static final String LIST_JOBS = "select " + JobRow.COLUMNS + ", cb.* from job j " + CALLBACK_JOIN + """
             where j.account_id = $1 and ($2::text is null or j.status = $2)
              and ($3::timestamptz is null or (j.created_at, j.id) < ($3, $4::uuid))
            order by j.created_at desc, j.id desc limit $5""";

    /**
     * Claims due jobs fairly across accounts, skipping rows another instance holds. Moving {@code due_at}
     * forward by the lease is the lease: if this instance dies, the job is simply due again later.
     * A job past its deadline is claimed too (to be failed), without counting an attempt.
     * <p>
     * Fairness: the accounts with due jobs are walked by a loose index scan (one probe per account, however
     * many jobs each has queued); each offers its oldest due jobs that no one else holds, at most twice its
     * fair share of the batch and never more than its in-flight cap ($4) allows; the batch then takes them
     * round-robin, accounts with the fewest jobs in flight first. So one account's backlog of 100,000 jobs
     * delays another account's job by one claim at most. Offered rows are locked before the batch is cut,
     * so concurrent claims skip each other's picks instead of colliding on them; offered-but-not-taken rows
     * are free again when the statement commits. All reads use job_account_due_idx and job_account_leased_idx (V3).
     * <p>
     * The cap holds across instances: the counts above come from this statement's snapshot, which misses the leases of
     * claims (here or on other instances) that have not committed yet, so each account picked is counted again by
     * {@code job_account_leases_locked} (V7), under a lock on the account that such claims hold until they commit,
     * and its picks are cut to what the cap still allows. Only the accounts picked are locked (at most $1, so the
     * lock table cannot fill however many accounts have due jobs), in account order, and after the row locks, which
     * never wait ({@code skip locked}): a statement holding an account's lock waits for nothing but a later account's
     * lock, so claims cannot deadlock. Claims that pick the same account run one after the other only from that lock
     * to their commit.
     * <p>
     * The statement always returns a row: with nothing claimed, one whose job columns are null. Its
     * {@code accounts_at_cap} says whether an account with due jobs reached its cap, so that jobs may wait
     * for one of its jobs to end.
     * <p>
     * Not private: a test runs it in transactions of its own, as instances whose claims overlap.
     */
    static final String CLAIM = """
            with recursive due_accounts(account_id) as (
                (select account_id from job where status = 'running' and due_at <= now() order by account_id limit 1)
                union all
                select (select j.account_id from job j
                        where j.status = 'running' and j.due_at <= now() and j.account_id > d.account_id
                        order by j.account_id limit 1)
                from due_accounts d where d.account_id is not null),
            accounts as (
                select d.account_id, count(*) over () as n_accounts,
                       (select count(*) from job l where l.account_id = d.account_id and l.status = 'running'
                            and l.lease_token is not null and l.due_at > now()) as in_flight
                from due_accounts d where d.account_id is not null),
            offered as (
                select c.id, a.account_id, c.due_at, row_number() over account_due_order as n,
                       a.in_flight + row_number() over account_due_order as turn
                from accounts a cross join lateral (
                    select j.id, j.due_at from job j
                    -- the row comparison reads as "due" but only job_account_due_idx can answer it,
                    -- so the planner cannot walk the global due order filtering out other accounts
                    where j.account_id = a.account_id and j.status = 'running' and (j.account_id, j.due_at) <= (a.account_id, now())
                    order by j.due_at
                    limit greatest(0, least($1, $4 - a.in_flight, ceil(2.0 * $1 / a.n_accounts)))
                    for update skip locked) c
                window account_due_order as (partition by a.account_id order by c.due_at)),
            due as (select id, account_id, n from offered order by turn, due_at limit $1),
            held as (
                select a.account_id, job_account_leases_locked(a.account_id) as in_flight, a.picked
                from (select account_id, count(*) as picked from due group by account_id order by account_id) a),
            claimed as (
                update job j set due_at = now() + make_interval(secs => $2), lease_token = $3,
                       attempts = j.attempts + case when j.deadline_at > now() then 1 else 0 end
                from due d join held h on h.account_id = d.account_id
                where j.id = d.id and d.n <= $4 - h.in_flight
                returning\s""" + JobRow.COLUMNS + """
            )
            select c.*, f.accounts_at_cap
            from (select exists (select 1 from accounts where in_flight >= $4)
                         or exists (select 1 from offered where turn >= $4)
                         or exists (select 1 from held where in_flight + picked >= $4) as accounts_at_cap) f
            left join claimed c on true""";

    /**
     * Extends the leases of jobs in flight. Rows another statement holds are skipped, not waited for: they are
     * being completed (or cancelled), and waiting would let this statement and a completion, which lock the
     * same rows in different orders, deadlock each other.
     */
    private static final String RENEW_LEASES = """
            update job j set due_at = now() + make_interval(secs => $1)
            from (select l.id from job l join unnest($2::uuid[], $3::uuid[]) as t(id, token) on l.id = t.id
                  where l.lease_token = t.token and l.status = 'running'
                  for update of l skip locked) renewed
            where j.id = renewed.id""";

    /** See {@link LeaseRelease}. */
    private static final String RELEASE_LEASES = """
            update job q set due_at = now(), lease_token = null
            from unnest($1::uuid[], $2::uuid[]) as t(id, token)
            where q.id = t.id and q.lease_token = t.token and q.status = 'running'""";

    /** What {@link DeliveryStore#QUEUE_CALLBACKS} needs of each changed job: all of it, to render a callback it leases. */
    private static final String CHANGED_COLUMNS = "returning " + JobRow.COLUMNS;

    /**
     * Records many fetch outcomes at once. Status 'running' means "retry after delay_ms" (never past
     * the deadline, where the next claim fails it); any other status ends the job. The lease token makes
     * a late answer from an instance whose lease expired a no-op. An ended job with a callback token ($8)
     * gets its callback leased under it, for $9 seconds, with $7 attempts (see {@link DeliveryStore#QUEUE_CALLBACKS}).
     * The fetch attempt that decided an outcome ($10, JSON, or null) is appended to the job's {@code fetch_attempts},
     * which keeps the last $11 (see V18): the timeline costs no statement of its own.
     */
    private static final String COMPLETE = """
            with input as (
                select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::bigint[], $8::uuid[],
                                     $10::text[])
                    as t(id, token, status, response, fail_reason, delay_ms, callback_token, attempt)),
            changed as (
                update job j set status = i.status, response = coalesce(i.response, j.response), fail_reason = i.fail_reason,
                       fetch_attempts = case when i.attempt is null then j.fetch_attempts
                                             else jsonb_path_query_array(coalesce(j.fetch_attempts, '[]') || i.attempt::jsonb,
                                                     '$[last - $kept + 1 to last]', jsonb_build_object('kept', $11::int)) end,
                       finished_at = case when i.status <> 'running' then now() end,
                       due_at = case when i.status = 'running'
                                     then least(now() + i.delay_ms * interval '1 millisecond', j.deadline_at)
                                     else j.due_at end,
                       lease_token = null
                from input i where j.id = i.id and j.lease_token = i.token and j.status = 'running'
                """ + CHANGED_COLUMNS + """
            , i.callback_token),
            callback_settings as (select $7::int as max_attempts, $9::float8 as lease_secs),
            """ + DeliveryStore.QUEUE_CALLBACKS;

    /** Cancels one job; its callback, if due, is queued with $3 attempts (see {@link DeliveryStore#QUEUE_CALLBACKS}). */
    private static final String CANCEL = """
            with changed as (
                update job j set status = 'failed', fail_reason = 'cancelled', finished_at = now(), lease_token = null
                where j.id = $1 and j.account_id = $2 and j.status = 'running'
                """ + CHANGED_COLUMNS + """
            , null::uuid as callback_token),
            callback_settings as (select $3::int as max_attempts, 0::float8 as lease_secs),
            """ + DeliveryStore.QUEUE_CALLBACKS;

    /**
     * Ended jobs past retention, oldest first, each with its deliveries and their attempt logs (the foreign keys
     * cascade), but not while one of its deliveries is pending (a callback, or the notification that a callback
     * failed): that would cancel it. Such a job goes in a later round, once the delivery has ended. A job another
     * statement holds (a manual retry queueing a callback) is skipped, not waited for.
     */
    private static final String PURGE = """
            delete from job where id in (
                select j.id from job j
                where j.status <> 'running' and j.finished_at < now() - make_interval(secs => $1)
                  and not exists (select 1 from delivery d where d.job_id = j.id and d.status = 'pending')
                order by j.finished_at limit $2
                for update of j skip locked)""";

    @Inject
    Pool pool;

    @Inject
    DatabaseBreaker breaker;

    /**
     * Stores the jobs of one submission in one statement, committed when the returned Uni completes.
     *
     * @param idempotencyKey null, or the request's key (and requestHash its fingerprint): then the jobs are stored only if the key is new (or expired)
     * @return false when a live idempotency key already stood for other jobs, and nothing was stored
     */
    public Uni<Boolean> insert(UUID accountId, UUID batchId, String statusUrlPrefix, List<UUID> ids, JobRequest request,
                               String headersJson, String apiParamsJson, String warningsJson, String idempotencyKey,
                               byte[] requestHash, Duration keyTtl, String traceContext) {
        Tuple params = Tuple.from(Arrays.asList(
                accountId, batchId, ids.size(), statusUrlPrefix, request.method(), headersJson, request.body(),
                apiParamsJson, request.callbackUrl(), request.project(), request.expectUnsuccessReport(), request.meta(),
                (double) request.timeoutSec(), ids.toArray(UUID[]::new), request.urls().toArray(String[]::new),
                idempotencyKey, requestHash == null ? null : Buffer.buffer(requestHash), seconds(keyTtl), warningsJson,
                traceContext));
        return breaker.call(() -> pool.preparedQuery(INSERT_JOBS).execute(params)).map(rows -> rows.rowCount() > 0);
    }

    /**
     * Stores single-URL jobs, each with its own account and settings, in one statement; jobs with a lease token
     * are stored leased when their account's cap allows (see {@link #INSERT_SINGLE_JOBS}).
     *
     * @return the jobs stored leased, ready to run
     */
    public Uni<List<JobRow>> insertSingles(List<NewJob> jobs, Duration lease, int accountMaxInFlight) {
        int n = jobs.size();
        UUID[] ids = new UUID[n];
        UUID[] accounts = new UUID[n];
        String[] statusUrls = new String[n];
        String[] urls = new String[n];
        String[] methods = new String[n];
        String[] headers = new String[n];
        String[] bodies = new String[n];
        String[] apiParams = new String[n];
        String[] callbackUrls = new String[n];
        String[] projects = new String[n];
        Boolean[] expectUnsuccessReport = new Boolean[n];
        String[] metas = new String[n];
        Double[] timeouts = new Double[n];
        UUID[] leaseTokens = new UUID[n];
        String[] warnings = new String[n];
        String[] traceContexts = new String[n];
        for (int i = 0; i < n; i++) {
            NewJob job = jobs.get(i);
            JobRequest request = job.request();
            ids[i] = job.id();
            accounts[i] = job.accountId();
            statusUrls[i] = job.statusUrl();
            urls[i] = request.urls().get(0);
            methods[i] = request.method();
            headers[i] = job.headersJson();
            bodies[i] = request.body();
            apiParams[i] = job.apiParamsJson();
            callbackUrls[i] = request.callbackUrl();
            projects[i] = request.project();
            expectUnsuccessReport[i] = request.expectUnsuccessReport();
            metas[i] = request.meta();
            timeouts[i] = (double) request.timeoutSec();
            leaseTokens[i] = job.leaseToken();
            warnings[i] = job.warningsJson();
            traceContexts[i] = job.traceContext();
        }
        Tuple params = Tuple.from(Arrays.asList(ids, accounts, statusUrls, urls, methods, headers, bodies, apiParams,
                callbackUrls, projects, expectUnsuccessReport, metas, timeouts, leaseTokens, seconds(lease), accountMaxInFlight,
                traceContexts, warnings));
        return breaker.call(() -> pool.preparedQuery(INSERT_SINGLE_JOBS).execute(params)).map(JobStore::all);
    }

    public Uni<JobRow> find(UUID id) {
        return breaker.call(() -> pool.preparedQuery(SELECT_JOB).execute(Tuple.of(id))).map(JobStore::firstOrNull);
    }

    /** One page of an account's jobs, newest first, strictly older than the cursor position when given. */
    public Uni<List<JobRow>> list(UUID accountId, String status, OffsetDateTime beforeCreatedAt, UUID beforeId, int limit) {
        Tuple params = Tuple.from(Arrays.asList(accountId, status, beforeCreatedAt, beforeId, limit));
        return breaker.call(() -> pool.preparedQuery(LIST_JOBS).execute(params)).map(JobStore::all);
    }

    /** Claims up to {@code limit} due jobs, none of an account that already has {@code accountMaxInFlight} leased. */
    public Uni<ClaimedJobs> claim(int limit, Duration lease, UUID leaseToken, int accountMaxInFlight) {
        return pool.preparedQuery(CLAIM).execute(Tuple.of(limit, seconds(lease), leaseToken, accountMaxInFlight))
                .map(rows -> {
                    List<JobRow> jobs = new ArrayList<>(rows.size());
                    boolean accountsAtCap = false;
                    for (Row row : rows) {
                        accountsAtCap = row.getBoolean("accounts_at_cap");
                        if (row.getUUID("id") != null) {
                            jobs.add(JobRow.from(row));
                        }
                    }
                    return new ClaimedJobs(jobs, accountsAtCap);
                });
    }

    public Uni<Void> renewLeases(List<UUID> ids, List<UUID> tokens, Duration lease) {
        return pool.preparedQuery(RENEW_LEASES)
                .execute(Tuple.of(seconds(lease), ids.toArray(UUID[]::new), tokens.toArray(UUID[]::new)))
                .replaceWithVoid();
    }

    /** Hands jobs back to the queue, due at once (see {@link LeaseRelease}); emits how many. */
    public Uni<Integer> releaseLeases(Map<UUID, UUID> leaseTokensById) {
        return LeaseRelease.run(pool, RELEASE_LEASES, leaseTokensById);
    }

    /**
     * @param callbackLease how long a callback stays leased to this instance when its outcome carries a callback token
     * @param attemptsKept  how many of a job's latest fetch attempts its timeline keeps
     */
    public Uni<List<StateChange>> complete(List<JobOutcome> outcomes, int callbackMaxAttempts, Duration callbackLease,
                                           int attemptsKept) {
        int n = outcomes.size();
        UUID[] ids = new UUID[n];
        UUID[] tokens = new UUID[n];
        String[] statuses = new String[n];
        String[] responses = new String[n];
        String[] failReasons = new String[n];
        Long[] delays = new Long[n];
        UUID[] callbackTokens = new UUID[n];
        String[] attempts = new String[n];
        for (int i = 0; i < n; i++) {
            JobOutcome outcome = outcomes.get(i);
            callbackTokens[i] = outcome.callbackLeaseToken();
            attempts[i] = outcome.attempt() == null ? null : outcome.attempt().toJson();
            ids[i] = outcome.jobId();
            tokens[i] = outcome.leaseToken();
            statuses[i] = outcome.status();
            responses[i] = outcome.response();
            failReasons[i] = outcome.failReason();
            delays[i] = outcome.retryDelay() == null ? 0L : outcome.retryDelay().toMillis();
        }
        Tuple params = Tuple.from(Arrays.asList(ids, tokens, statuses, responses, failReasons, delays, callbackMaxAttempts,
                callbackTokens, seconds(callbackLease), attempts, attemptsKept));
        return pool.preparedQuery(COMPLETE).execute(params).map(JobStore::stateChanges);
    }

    /** Ends a running job of this account as cancelled; empty when it was not running (or not the account's). */
    public Uni<List<StateChange>> cancel(UUID jobId, UUID accountId, int callbackMaxAttempts) {
        return pool.preparedQuery(CANCEL).execute(Tuple.of(jobId, accountId, callbackMaxAttempts)).map(JobStore::stateChanges);
    }

    /** Deletes up to {@code limit} jobs that ended more than {@code retention} ago, with no delivery pending; returns how many. */
    public Uni<Integer> purgeEnded(Duration retention, int limit) {
        return pool.preparedQuery(PURGE).execute(Tuple.of(seconds(retention), limit)).map(RowSet::rowCount);
    }

    static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    private static JobRow firstOrNull(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? JobRow.from(it.next()) : null;
    }

    static List<JobRow> all(RowSet<Row> rows) {
        List<JobRow> jobs = new ArrayList<>(rows.size());
        for (Row row : rows) {
            jobs.add(JobRow.from(row));
        }
        return jobs;
    }

    private static List<StateChange> stateChanges(RowSet<Row> rows) {
        List<StateChange> changes = new ArrayList<>(rows.size());
        for (Row row : rows) {
            ClaimedDelivery leased = row.getUUID("d_lease_token") == null ? null
                    : DeliveryStore.claimed(row, row.getUUID("d_lease_token"));
            changes.add(new StateChange(row.getUUID("changed_id"), row.getString("changed_status"),
                    row.getString("changed_fail_reason"), row.getUUID("changed_batch_id"), row.getBoolean("callback_queued"),
                    leased, row.getString("changed_trace_context")));
        }
        return changes;
    }
}
