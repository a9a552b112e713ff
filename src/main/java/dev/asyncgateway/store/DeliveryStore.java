package dev.asyncgateway.store;

import io.smallrye.mutiny.Uni;
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
import java.util.Objects;
import java.util.UUID;

/**
 * All SQL for webhook deliveries. The attempt count and the next due time live here, in PostgreSQL:
 * the claim counts the attempt, so a crash or two racing instances can never make one attempt too many.
 */
@ApplicationScoped
public class DeliveryStore {

    /**
     * Claims due deliveries, oldest due first, skipping rows another instance holds and receivers that
     * are already at their cap on this instance ($4/$5: receiver and deliveries in flight, $6: the cap);
     * within one claim no receiver gets more than its free slots. Counting the attempt here, and only
     * while attempts remain, is what bounds the attempts; moving {@code due_at} forward is the lease.
     * A row whose attempts are all used (its holder died mid-attempt) is claimed without counting, to be failed.
     */
    private static final String CLAIM = """
            with busy as (
                select * from unnest($4::text[], $5::int[]) as b(receiver, in_flight)),
            candidates as (
                select d.id, d.receiver, d.due_at, d.attempts from delivery d
                where d.status = 'pending' and d.due_at <= now()
                  and not exists (select 1 from busy b where b.receiver = d.receiver and b.in_flight >= $6)
                order by d.due_at limit $1 for update skip locked),
            picked as (
                select c.id, c.attempts as attempts_before from (
                    select c.*, row_number() over (partition by c.receiver order by c.due_at) as n from candidates c) c
                left join busy b on b.receiver = c.receiver
                where c.n <= $6 - coalesce(b.in_flight, 0)),
            claimed as (
                update delivery d set due_at = now() + make_interval(secs => $2), lease_token = $3,
                       attempts = d.attempts + case when d.attempts < d.max_attempts then 1 else 0 end
                from picked p where d.id = p.id
                returning d.id as delivery_id, d.account_id as d_account_id, d.job_id as d_job_id, d.kind, d.url as d_url,
                          d.headers as d_headers, d.encoding, d.payload, d.attempts as d_attempts, d.max_attempts,
                          p.attempts_before >= d.max_attempts as exhausted, d.receiver, d.created_at as d_created_at)
            select c.*, a.webhook_secret,
                   case when a.previous_secret_until > now() then a.previous_webhook_secret end as previous_webhook_secret,
                   """ + JobRow.COLUMNS + """
            , c.d_url as cb_url, 'pending' as cb_status, c.d_attempts as cb_attempts
            from claimed c
            join account a on a.id = c.d_account_id
            left join job j on j.id = c.d_job_id and c.kind = 'callback'""";

    /**
     * The outbox half of a statement that ends jobs (JobStore's completion and cancellation): it writes callback
     * deliveries for the jobs in {@code changed} that ended and want one, to the URL the
     * view {@code job_callback_target} resolves (job, else project, else account). Being part of the
     * statement that ends the job makes it an outbox: a job never ends without its due delivery.
     * <p>
     * A job with a {@code callback_token} gets its delivery leased to this instance, first attempt counted, and
     * the row comes back with everything the attempt needs (columns as {@link DeliveryStore#claim} returns them),
     * so the callback goes out without a claim. The others' delivery columns are null.
     * <p>
     * It follows the statement's own CTEs: {@code changed} (the jobs whose status changed: {@link JobRow#COLUMNS}
     * and {@code callback_token}) and {@code callback_settings} (one row: {@code max_attempts} of a new delivery and
     * {@code lease_secs}, how long a leased one stays leased), so each statement passes these as its own parameters.
     */
    static final String QUEUE_CALLBACKS = """
            queued as (
                insert into delivery as d (id, job_id, account_id, kind, url, headers, encoding, max_attempts,
                                           due_at, lease_token, attempts)
                select gen_random_uuid(), c.id, c.account_id, 'callback', t.url, t.headers, t.encoding, s.max_attempts,
                       case when c.callback_token is null then now() else now() + make_interval(secs => s.lease_secs) end,
                       c.callback_token, case when c.callback_token is null then 0 else 1 end
                from changed c
                join job_callback_target t on t.job_id = c.id
                cross join callback_settings s
                where (c.status = 'finished' or (c.status = 'failed' and c.expect_unsuccess_report))
                  and t.url is not null
                returning d.job_id, d.lease_token as d_lease_token, d.id as delivery_id, d.account_id as d_account_id, d.kind,
                          d.url as d_url, d.headers as d_headers, d.encoding, d.payload, d.attempts as d_attempts,
                          d.max_attempts, false as exhausted, d.receiver, d.created_at as d_created_at)
            select j.id as changed_id, j.status as changed_status, j.fail_reason as changed_fail_reason,
                   j.batch_id as changed_batch_id, j.trace_context as changed_trace_context,
                   q.job_id is not null as callback_queued, leased.*
            from changed j
            left join queued q on q.job_id = j.id
            left join lateral (
                select q.*, a.webhook_secret,
                       case when a.previous_secret_until > now() then a.previous_webhook_secret end as previous_webhook_secret,
                       """ + JobRow.COLUMNS + """
            , q.d_url as cb_url, 'pending' as cb_status, q.d_attempts as cb_attempts
                from account a where a.id = j.account_id and q.d_lease_token is not null) leased on true""";

    /**
     * Records many attempt outcomes at once: the attempt log rows (kept even when the lease was lost, since
     * the request did go out), the deliveries' new state (only under the caller's lease), and, in the same
     * statement, a {@code callback-failed} notification for each callback that failed for good and whose
     * account has a notification URL (a failed notification notifies nobody).
     * <p>
     * The deliveries are updated without a join: each finds its outcome by its position in the id array. Joined to
     * the input, they were read through delivery_due_idx, whose statistics a busy queue outruns (it looks empty),
     * and matched row by row against every outcome (or, without the status condition, read by a sequential scan
     * planned while the table was small): either way the cost grew with the queue, not with the outcomes.
     */
    private static final String RECORD = """
            with input as (
                select * from unnest($1::uuid[], $2::uuid[], $3::int[], $4::timestamptz[], $5::int[], $6::int[],
                                     $7::text[], $8::text[], $9::text[], $10::text[], $11::bigint[])
                    as t(id, token, attempt, started_at, duration_ms, status_code, error_kind, error, response_body,
                         next, delay_ms)),
            logged as (
                insert into delivery_attempt (delivery_id, attempt, started_at, duration_ms, status_code, error_kind,
                                              error, response_body)
                select id, attempt, started_at, duration_ms, status_code, error_kind, error, response_body
                from input where attempt is not null
                on conflict do nothing),
            changed as (
                update delivery d set (status, due_at, ended_at, lease_token, last_status, last_error) = (
                    select case when o.next = 'delivered' then 'delivered'
                                when o.next = 'failed' or d.attempts >= d.max_attempts then 'failed'
                                else 'pending' end,
                           case when o.next = 'retry' then now() + o.delay_ms * interval '1 millisecond' else d.due_at end,
                           case when o.next <> 'retry' or d.attempts >= d.max_attempts then now() end,
                           null::uuid, o.status_code, o.error
                    from (select ($10::text[])[k] as next, ($11::bigint[])[k] as delay_ms, ($6::int[])[k] as status_code,
                                 ($8::text[])[k] as error
                          from (select array_position($1::uuid[], d.id) as k) p) o)
                where d.id = any($1::uuid[]) and d.status = 'pending'
                  and d.lease_token = ($2::uuid[])[array_position($1::uuid[], d.id)]
                returning d.id, d.job_id, d.account_id, d.kind, d.status, d.url, d.attempts, d.last_status, d.last_error),
            notified as (
                insert into delivery (id, job_id, account_id, kind, url, encoding, payload, max_attempts)
                select gen_random_uuid(), c.job_id, c.account_id, 'callback-failed', a.notification_url, 'json',
                       (jsonb_build_object('jobId', c.job_id, 'url', j.url, 'callbackUrl', c.url, 'status', c.last_status,
                                           'attempts', c.attempts, 'lastError', c.last_error)
                        || case when j.project is null then '{}'::jsonb else jsonb_build_object('project', j.project) end)::text,
                       $12
                from changed c
                join account a on a.id = c.account_id
                left join job j on j.id = c.job_id
                where c.kind = 'callback' and c.status = 'failed' and a.notification_url is not null
                returning id)
            select c.id, c.status, (select count(*) from notified) as notifications from changed c""";

    /**
     * A fresh callback delivery for an ended job, to wherever its callback goes now (the settings may
     * have been fixed since). The unique index on pending callbacks turns a concurrent retry into a no-op.
     */
    private static final String RETRY = """
            with target as (
                select j.id, j.account_id, j.status, t.url, t.headers, t.encoding
                from job j join job_callback_target t on t.job_id = j.id where j.id = $1),
            inserted as (
                insert into delivery (id, job_id, account_id, kind, url, headers, encoding, max_attempts)
                select gen_random_uuid(), id, account_id, 'callback', url, headers, encoding, $2
                from target where status <> 'running' and url is not null
                on conflict (job_id) where kind = 'callback' and status = 'pending' do nothing
                returning id)
            select (select url is not null from target) as has_url, (select count(*) from inserted) as inserted""";

    private static final String ATTEMPTS = """
            select a.delivery_id, a.attempt, a.started_at, a.duration_ms, a.status_code, a.error_kind, a.error, a.response_body
            from delivery d join delivery_attempt a on a.delivery_id = d.id
            where d.job_id = $1 and d.kind = 'callback'
            order by d.created_at, a.attempt""";

    /** See {@link LeaseRelease}. */
    private static final String RELEASE_LEASES = """
            update delivery q set due_at = now(), lease_token = null
            from unnest($1::uuid[], $2::uuid[]) as t(id, token)
            where q.id = t.id and q.lease_token = t.token and q.status = 'pending'""";

    /**
     * Ended deliveries of neither a job nor a batch, past retention, oldest first: the others go with their job or
     * batch (JobStore.PURGE, BatchStore.PURGE_EMPTIED). Only events queued before their batch was named on them (V7)
     * are such; through delivery_unowned_ended_idx (V7). A pending one has no {@code ended_at}, so it stays.
     */
    private static final String PURGE_UNOWNED = """
            delete from delivery where id in (
                select id from delivery
                where job_id is null and batch_id is null and ended_at < now() - make_interval(secs => $1)
                order by ended_at limit $2)""";

    @Inject
    Pool pool;

    /**
     * @param busy how many deliveries this instance has in flight per receiver (receivers with none may be left out)
     */
    public Uni<List<ClaimedDelivery>> claim(int limit, Duration lease, UUID leaseToken, Map<String, Integer> busy,
                                            int perReceiverCap) {
        String[] receivers = busy.keySet().toArray(String[]::new);
        Integer[] inFlight = Arrays.stream(receivers).map(busy::get).toArray(Integer[]::new);
        Tuple params = Tuple.from(Arrays.asList(limit, lease.toMillis() / 1000.0, leaseToken, receivers, inFlight, perReceiverCap));
        return pool.preparedQuery(CLAIM).execute(params).map(rows -> {
            List<ClaimedDelivery> claimed = new ArrayList<>(rows.size());
            for (Row row : rows) {
                claimed.add(claimed(row, leaseToken));
            }
            return claimed;
        });
    }

    /** Hands deliveries back to the queue, due at once (see {@link LeaseRelease}); emits how many. */
    public Uni<Integer> releaseLeases(Map<UUID, UUID> leaseTokensById) {
        return LeaseRelease.run(pool, RELEASE_LEASES, leaseTokensById);
    }

    /** Stores outcomes; returns how many failure notifications that queued. */
    public Uni<Integer> record(List<DeliveryOutcome> outcomes, int notificationMaxAttempts) {
        int n = outcomes.size();
        UUID[] ids = new UUID[n];
        UUID[] tokens = new UUID[n];
        Integer[] attempts = new Integer[n];
        OffsetDateTime[] startedAt = new OffsetDateTime[n];
        Integer[] durations = new Integer[n];
        Integer[] statusCodes = new Integer[n];
        String[] errorKinds = new String[n];
        String[] errors = new String[n];
        String[] bodies = new String[n];
        String[] next = new String[n];
        Long[] delays = new Long[n];
        for (int i = 0; i < n; i++) {
            DeliveryOutcome outcome = outcomes.get(i);
            ids[i] = outcome.deliveryId();
            tokens[i] = outcome.leaseToken();
            attempts[i] = outcome.attempt();
            startedAt[i] = outcome.startedAt();
            durations[i] = outcome.durationMs();
            statusCodes[i] = outcome.statusCode();
            errorKinds[i] = outcome.errorKind();
            errors[i] = outcome.error();
            bodies[i] = outcome.responseBody();
            next[i] = outcome.next().column();
            delays[i] = outcome.retryDelay() == null ? 0L : outcome.retryDelay().toMillis();
        }
        Tuple params = Tuple.from(Arrays.asList(ids, tokens, attempts, startedAt, durations, statusCodes, errorKinds,
                errors, bodies, next, delays, notificationMaxAttempts));
        return pool.preparedQuery(RECORD).execute(params).map(rows -> {
            var it = rows.iterator();
            return it.hasNext() ? it.next().getLong("notifications").intValue() : 0;
        });
    }

    /** Deletes up to {@code limit} ended deliveries of no job or batch that ended more than {@code retention} ago; emits how many. */
    public Uni<Integer> purgeUnowned(Duration retention, int limit) {
        return pool.preparedQuery(PURGE_UNOWNED).execute(Tuple.of(JobStore.seconds(retention), limit)).map(RowSet::rowCount);
    }

    /** What a manual retry found. */
    public enum RetryResult { QUEUED, NO_CALLBACK_URL, IN_PROGRESS }

    /** Queues a fresh callback delivery for an ended job (the caller has checked it is the account's and has ended). */
    public Uni<RetryResult> retry(UUID jobId, int maxAttempts) {
        return pool.preparedQuery(RETRY).execute(Tuple.of(jobId, maxAttempts)).map(rows -> {
            Row row = rows.iterator().next();
            if (!Boolean.TRUE.equals(row.getBoolean("has_url"))) {
                return RetryResult.NO_CALLBACK_URL;
            }
            return row.getLong("inserted") > 0 ? RetryResult.QUEUED : RetryResult.IN_PROGRESS;
        });
    }

    /** The attempt log of a job's callback deliveries, oldest first. */
    public Uni<List<DeliveryAttempt>> attempts(UUID jobId) {
        return pool.preparedQuery(ATTEMPTS).execute(Tuple.of(jobId)).map(DeliveryStore::attempts);
    }

    private static List<DeliveryAttempt> attempts(RowSet<Row> rows) {
        List<DeliveryAttempt> attempts = new ArrayList<>(rows.size());
        for (Row row : rows) {
            attempts.add(new DeliveryAttempt(row.getUUID("delivery_id"), row.getInteger("attempt"),
                    row.getOffsetDateTime("started_at"), row.getInteger("duration_ms"), row.getInteger("status_code"),
                    row.getString("error_kind"), row.getString("error"), row.getString("response_body")));
        }
        return attempts;
    }

    /** A delivery leased under {@code leaseToken}, from a row with the columns {@link #CLAIM} returns. */
    static ClaimedDelivery claimed(Row row, UUID leaseToken) {
        List<String> secrets = new ArrayList<>(2);
        secrets.add(row.getString("webhook_secret"));
        if (row.getString("previous_webhook_secret") != null) {
            secrets.add(row.getString("previous_webhook_secret"));
        }
        JobRow job = row.getUUID("id") == null ? null : JobRow.from(row);
        return new ClaimedDelivery(row.getUUID("delivery_id"), leaseToken, row.getUUID("d_account_id"),
                row.getString("kind"), row.getString("d_url"), row.getString("d_headers"), row.getString("encoding"),
                row.getString("payload"), row.getInteger("d_attempts"), row.getInteger("max_attempts"),
                row.getBoolean("exhausted"), Objects.requireNonNullElse(row.getString("receiver"), ""),
                row.getOffsetDateTime("d_created_at"),
                List.copyOf(secrets), job);
    }
}
