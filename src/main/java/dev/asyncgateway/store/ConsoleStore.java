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
import java.util.UUID;

/**
 * Read-only queries of the web console (issue 21): job search with filters, a job's deliveries, throughput and
 * latency series, failing receivers, the accounts list. None of them runs on a hot path; they run only when a
 * console page is opened, so they use the indexes that exist for the API and add none the hot path would maintain.
 */
@ApplicationScoped
public class ConsoleStore {

    /** Search filters; null fields filter nothing. {@code text} matches a job id exactly or a part of its URL. */
    public record JobFilter(UUID accountId, String status, String project, UUID batchId, OffsetDateTime from,
                            OffsetDateTime to, String text) {
    }

    /** One delivery of a job's callback (a manual re-send makes another). */
    public record DeliveryRow(UUID id, String url, String status, int attempts, int maxAttempts, Integer lastStatus,
                              String lastError, OffsetDateTime createdAt, OffsetDateTime endedAt) {
    }

    /** One time bucket of the overview; latencies in seconds, null when no job ended in it. */
    public record StatsBucket(OffsetDateTime start, long created, long finished, long ended, Double p50Seconds,
                              Double p95Seconds, long delivered, long deliveriesEnded) {
    }

    /**
     * The overview's buckets, and the p50 and p95 of created-to-ended over every job that ended in the whole window
     * (a percentile of the window is not any function of its buckets' percentiles); null when none ended.
     */
    public record StatsSeries(List<StatsBucket> buckets, Double p50Seconds, Double p95Seconds) {
    }

    public record FailingReceiver(String receiver, long failures, OffsetDateTime lastAt, Integer lastStatus,
                                  String lastErrorKind) {
    }

    public record AccountSummary(UUID id, String name, OffsetDateTime createdAt, long running) {
    }

    /** The job list's filters on job_account_created_idx (account first, newest first, the (created_at, id) cursor). */
    private static final String SEARCH_JOBS = "select " + JobRow.COLUMNS + ", cb.* from job j " + JobStore.CALLBACK_JOIN + """
             where j.account_id = $1
              and ($2::text is null or j.status = $2)
              and ($3::text is null or j.project = $3)
              and ($4::uuid is null or j.batch_id = $4)
              and ($5::timestamptz is null or j.created_at >= $5)
              and ($6::timestamptz is null or j.created_at < $6)
              and ($7::text is null or j.id::text = lower($7) or strpos(j.url, $7) > 0)
              and ($8::timestamptz is null or (j.created_at, j.id) < ($8, $9::uuid))
            order by j.created_at desc, j.id desc limit $10""";

    private static final String FETCH_ATTEMPTS = "select fetch_attempts from job where id = $1";

    private static final String DELIVERIES = """
            select id, url, status, attempts, max_attempts, last_status, last_error, created_at, ended_at
            from delivery where job_id = $1 and kind = 'callback' order by created_at""";

    /**
     * Buckets of $2 over the last $3: jobs created, jobs ended (and how many finished), the p50 and p95 of
     * created-to-ended, deliveries ended (and how many delivered); on every row, the p50 and p95 of the whole window
     * from the same ended jobs. $1 limits it to one account; null is every account.
     */
    private static final String SERIES = """
            with buckets as (
                select generate_series(date_bin(($2::int * interval '1 second'), now() - ($3::int * interval '1 second'), timestamptz 'epoch'), now(), ($2::int * interval '1 second')) as b
            ), created as (
                select date_bin(($2::int * interval '1 second'), created_at, timestamptz 'epoch') as b, count(*) as n
                from job where ($1::uuid is null or account_id = $1) and created_at >= now() - ($3::int * interval '1 second') group by 1
            ), ended_jobs as (
                select finished_at, status, extract(epoch from finished_at - created_at) as seconds
                from job where status <> 'running' and ($1::uuid is null or account_id = $1)
                  and finished_at >= now() - ($3::int * interval '1 second')
            ), ended as (
                select date_bin(($2::int * interval '1 second'), finished_at, timestamptz 'epoch') as b,
                       count(*) filter (where status = 'finished') as finished, count(*) as ended,
                       percentile_cont(0.5) within group (order by seconds) as p50,
                       percentile_cont(0.95) within group (order by seconds) as p95
                from ended_jobs group by 1
            ), whole as (
                select percentile_cont(0.5) within group (order by seconds) as p50,
                       percentile_cont(0.95) within group (order by seconds) as p95
                from ended_jobs
            ), deliveries as (
                select date_bin(($2::int * interval '1 second'), ended_at, timestamptz 'epoch') as b,
                       count(*) filter (where status = 'delivered') as delivered, count(*) as ended
                from delivery where status <> 'pending' and ($1::uuid is null or account_id = $1)
                  and ended_at >= now() - ($3::int * interval '1 second') group by 1
            )
            select bk.b, coalesce(c.n, 0) as created, coalesce(e.finished, 0) as finished, coalesce(e.ended, 0) as ended,
                   e.p50, e.p95, coalesce(d.delivered, 0) as delivered, coalesce(d.ended, 0) as deliveries_ended,
                   w.p50 as window_p50, w.p95 as window_p95
            from buckets bk cross join whole w
            left join created c on c.b = bk.b left join ended e on e.b = bk.b left join deliveries d on d.b = bk.b
            order by bk.b""";

    private static final String FAILING_RECEIVERS = """
            select d.receiver, count(*) as failures, max(a.started_at) as last_at,
                   (array_agg(a.status_code order by a.started_at desc))[1] as last_status,
                   (array_agg(a.error_kind order by a.started_at desc))[1] as last_error_kind
            from delivery_attempt a join delivery d on d.id = a.delivery_id
            where a.started_at >= now() - ($2::int * interval '1 second') and (a.status_code is null or a.status_code >= 300)
              and ($1::uuid is null or d.account_id = $1)
            group by d.receiver order by failures desc, d.receiver limit 20""";

    private static final String ACCOUNTS = """
            select a.id, a.name, a.created_at,
                   (select count(*) from job j where j.account_id = a.id and j.status = 'running') as running
            from account a order by a.created_at desc, a.id limit $1""";

    private static final String PROJECTS = "select project from project_webhook where account_id = $1 order by project limit $2";

    private static final String ACCOUNT_NAME = "select name from account where id = $1";

    @Inject
    Pool pool;

    public Uni<List<JobRow>> searchJobs(JobFilter filter, OffsetDateTime beforeCreatedAt, UUID beforeId, int limit) {
        Tuple params = Tuple.from(Arrays.asList(filter.accountId(), filter.status(), filter.project(), filter.batchId(),
                filter.from(), filter.to(), filter.text(), beforeCreatedAt, beforeId, limit));
        return pool.preparedQuery(SEARCH_JOBS).execute(params).map(JobStore::all);
    }

    /** The job's latest fetch attempts, oldest first (see V18); empty for no job or no attempt recorded yet. */
    public Uni<List<FetchAttempt>> fetchAttempts(UUID jobId) {
        return pool.preparedQuery(FETCH_ATTEMPTS).execute(Tuple.of(jobId)).map(rows -> rows.iterator().hasNext()
                ? FetchAttempt.listFrom(rows.iterator().next().getJsonArray("fetch_attempts")) : List.of());
    }

    public Uni<List<DeliveryRow>> deliveries(UUID jobId) {
        return pool.preparedQuery(DELIVERIES).execute(Tuple.of(jobId)).map(rows -> {
            List<DeliveryRow> list = new ArrayList<>(rows.size());
            for (Row row : rows) {
                list.add(new DeliveryRow(row.getUUID("id"), row.getString("url"), row.getString("status"),
                        row.getInteger("attempts"), row.getInteger("max_attempts"), row.getInteger("last_status"),
                        row.getString("last_error"), row.getOffsetDateTime("created_at"), row.getOffsetDateTime("ended_at")));
            }
            return list;
        });
    }

    public Uni<StatsSeries> series(UUID accountId, Duration bucket, Duration span) {
        Tuple params = Tuple.from(Arrays.asList(accountId, interval(bucket), interval(span)));
        return pool.preparedQuery(SERIES).execute(params).map(ConsoleStore::series);
    }

    public Uni<List<FailingReceiver>> failingReceivers(UUID accountId, Duration span) {
        Tuple params = Tuple.from(Arrays.asList(accountId, interval(span)));
        return pool.preparedQuery(FAILING_RECEIVERS).execute(params).map(rows -> {
            List<FailingReceiver> list = new ArrayList<>(rows.size());
            for (Row row : rows) {
                list.add(new FailingReceiver(row.getString("receiver"), row.getLong("failures"),
                        row.getOffsetDateTime("last_at"), row.getInteger("last_status"), row.getString("last_error_kind")));
            }
            return list;
        });
    }

    public Uni<List<AccountSummary>> accounts(int limit) {
        return pool.preparedQuery(ACCOUNTS).execute(Tuple.of(limit)).map(rows -> {
            List<AccountSummary> list = new ArrayList<>(rows.size());
            for (Row row : rows) {
                list.add(new AccountSummary(row.getUUID("id"), row.getString("name"), row.getOffsetDateTime("created_at"),
                        row.getLong("running")));
            }
            return list;
        });
    }

    /** The names of the account's projects that have webhook settings. */
    public Uni<List<String>> projects(UUID accountId, int limit) {
        return pool.preparedQuery(PROJECTS).execute(Tuple.of(accountId, limit)).map(rows -> {
            List<String> list = new ArrayList<>(rows.size());
            rows.forEach(row -> list.add(row.getString("project")));
            return list;
        });
    }

    public Uni<String> accountName(UUID accountId) {
        return pool.preparedQuery(ACCOUNT_NAME).execute(Tuple.of(accountId))
                .map(rows -> rows.iterator().hasNext() ? rows.iterator().next().getString("name") : null);
    }

    private static StatsSeries series(RowSet<Row> rows) {
        List<StatsBucket> list = new ArrayList<>(rows.size());
        Double p50 = null;
        Double p95 = null;
        for (Row row : rows) {
            list.add(new StatsBucket(row.getOffsetDateTime("b"), row.getLong("created"), row.getLong("finished"),
                    row.getLong("ended"), number(row, "p50"), number(row, "p95"), row.getLong("delivered"),
                    row.getLong("deliveries_ended")));
            p50 = number(row, "window_p50");
            p95 = number(row, "window_p95");
        }
        return new StatsSeries(list, p50, p95);
    }

    private static Double number(Row row, String column) {
        Object value = row.getValue(column);
        return value == null ? null : ((Number) value).doubleValue();
    }

    /** Intervals travel as whole seconds (the statements multiply them by one second). */
    private static int interval(Duration duration) {
        return Math.toIntExact(duration.toSeconds());
    }
}
