package dev.asyncgateway.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * All SQL for re-encrypting stored secrets: the columns that hold them, read a page at a time in primary-key
 * order, and written back only where they are still as they were read, so a concurrent change (a new webhook
 * setting, a rotated signing secret) is never overwritten with an older value.
 */
@ApplicationScoped
public class StoredSecretsStore {

    private static final UUID NO_ID = new UUID(0, 0);

    /** What a column holds, which says which part of it is sealed. */
    public enum Content {
        /** The whole value (a signing secret). */
        SECRET,
        /** The password of the URL's user info. */
        URL,
        /** The values of a JSON array of {@code {"key","value"}} headers. */
        HEADERS
    }

    public record SecretColumn(String name, Content content) {
    }

    /**
     * The tables with secret columns: for each, a page in primary-key order (after $1, or $1/$2 for a project
     * webhook) and the write-back, which takes the keys, the new values and the values as read, as arrays. The
     * write-backs of {@code account} and {@code project_webhook} are those of {@link AccountStore} and
     * {@link ProjectWebhookStore}, which own every write to their tables.
     * Jobs and deliveries are many: only rows that can hold a secret are read (a URL with user info, custom headers).
     */
    public enum SecretTable {
        ACCOUNT("""
                select id, webhook_secret, previous_webhook_secret, webhook_url, webhook_headers, notification_url
                from account where id > $1 order by id limit $2""", null,
                new SecretColumn("webhook_secret", Content.SECRET), new SecretColumn("previous_webhook_secret", Content.SECRET),
                new SecretColumn("webhook_url", Content.URL), new SecretColumn("webhook_headers", Content.HEADERS),
                new SecretColumn("notification_url", Content.URL)),
        PROJECT_WEBHOOK("""
                select account_id, project, url, headers from project_webhook
                where (account_id, project) > ($1, $2) order by account_id, project limit $3""", null,
                new SecretColumn("url", Content.URL), new SecretColumn("headers", Content.HEADERS)),
        JOB("""
                select id, callback_url from job where id > $1 and callback_url like '%@%' order by id limit $2""", """
                update job t set callback_url = n.callback_url
                from unnest($1::uuid[], $2::text[], $3::text[]) as n(id, callback_url, old_callback_url)
                where t.id = n.id and t.callback_url is not distinct from n.old_callback_url""",
                new SecretColumn("callback_url", Content.URL)),
        DELIVERY("""
                select id, url, headers from delivery
                where id > $1 and (url like '%@%' or headers is not null) order by id limit $2""", """
                update delivery t set url = n.url, headers = n.headers
                from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])
                    as n(id, url, headers, old_url, old_headers)
                where t.id = n.id and (t.url, t.headers) is not distinct from (n.old_url, n.old_headers)""",
                new SecretColumn("url", Content.URL), new SecretColumn("headers", Content.HEADERS));

        private final String page;
        private final String update;
        private final List<SecretColumn> columns;

        SecretTable(String page, String update, SecretColumn... columns) {
            this.page = page;
            this.update = update;
            this.columns = List.of(columns);
        }

        public List<SecretColumn> columns() {
            return columns;
        }

        private boolean keyedByProject() {
            return this == PROJECT_WEBHOOK;
        }
    }

    /**
     * One row's secret columns, in {@link SecretTable#columns()} order.
     *
     * @param id      the row's id (the account id of a project webhook)
     * @param project the project of a project webhook; null elsewhere
     */
    public record SecretRow(UUID id, String project, List<String> values) {

        public SecretRow withValues(List<String> newValues) {
            return new SecretRow(id, project, newValues);
        }

        /** How the row is named in logs: its key, never its values. */
        public String key() {
            return project == null ? id.toString() : id + "/" + project;
        }
    }

    @Inject
    Pool pool;

    @Inject
    AccountStore accounts;

    @Inject
    ProjectWebhookStore projectWebhooks;

    /** Up to {@code limit} rows after {@code after} (null: from the start), in primary-key order. */
    public Uni<List<SecretRow>> page(SecretTable table, SecretRow after, int limit) {
        List<Object> params = new ArrayList<>(3);
        params.add(after == null ? NO_ID : after.id());
        if (table.keyedByProject()) {
            params.add(after == null ? "" : after.project());
        }
        params.add(limit);
        return pool.preparedQuery(table.page).execute(Tuple.from(params)).map(rows -> rows(table, rows));
    }

    /**
     * Writes {@code changed} over {@code read} (the same rows, in the same order), row by row only where the
     * row still holds what was read; returns how many rows were written.
     */
    public Uni<Integer> update(SecretTable table, List<SecretRow> read, List<SecretRow> changed) {
        if (changed.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        int n = changed.size();
        int columns = table.columns.size();
        List<Object> params = new ArrayList<>(2 + 2 * columns);
        params.add(changed.stream().map(SecretRow::id).toArray(UUID[]::new));
        if (table.keyedByProject()) {
            params.add(changed.stream().map(SecretRow::project).toArray(String[]::new));
        }
        for (List<SecretRow> rows : List.of(changed, read)) {
            for (int c = 0; c < columns; c++) {
                String[] values = new String[n];
                for (int i = 0; i < n; i++) {
                    values[i] = rows.get(i).values().get(c);
                }
                params.add(values);
            }
        }
        Tuple arrays = Tuple.from(params);
        return switch (table) {
            case ACCOUNT -> accounts.resealSecrets(arrays);
            case PROJECT_WEBHOOK -> projectWebhooks.resealSecrets(arrays);
            default -> pool.preparedQuery(table.update).execute(arrays).map(RowSet::rowCount);
        };
    }

    private static List<SecretRow> rows(SecretTable table, RowSet<Row> rows) {
        List<SecretRow> result = new ArrayList<>(rows.size());
        for (Row row : rows) {
            String[] values = new String[table.columns.size()];
            for (int c = 0; c < values.length; c++) {
                values[c] = row.getString(table.columns.get(c).name());
            }
            result.add(table.keyedByProject()
                    ? new SecretRow(row.getUUID("account_id"), row.getString("project"), Arrays.asList(values))
                    : new SecretRow(row.getUUID("id"), null, Arrays.asList(values)));
        }
        return result;
    }
}
