package dev.asyncgateway.testsupport;

import dev.asyncgateway.common.ApiKeys;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Arrange and assert on stored jobs directly in the database, for what the public API cannot show. */
public final class Jobs {

    private Jobs() {
    }

    public static UUID accountId(String apiKey) {
        try (Connection db = TestDatabase.connect();
             PreparedStatement select = db.prepareStatement("select id from account where api_key_hash = ?")) {
            select.setBytes(1, ApiKeys.hash(apiKey));
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw new IllegalStateException("no account for that key");
                }
                return rows.getObject(1, UUID.class);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Jobs, batches and idempotency keys stored for the account of this key. */
    public static long storedFor(String apiKey) {
        UUID account = accountId(apiKey);
        return count("select (select count(*) from job where account_id = ?) + (select count(*) from batch where account_id = ?)"
                + " + (select count(*) from idempotency_key where account_id = ?)", account, account, account);
    }

    /**
     * Stores a due job without the submission checks, as if it had been accepted under other settings.
     *
     * @param callbackUrl null for none
     */
    public static String insertDue(String apiKey, String url, String callbackUrl) {
        UUID id = UUID.randomUUID();
        execute("insert into job (id, account_id, status_url, url, callback_url, deadline_at)"
                + " values (?, ?, 'http://gateway.test/jobs/' || ?, ?, ?, now() + interval '1 hour')",
                id, accountId(apiKey), id.toString(), url, callbackUrl);
        return id.toString();
    }

    /**
     * Stores finished jobs of the account that all ended at {@code ended}, each taking one of these many seconds
     * from submission: latencies an assertion knows exactly.
     */
    public static void insertEnded(UUID accountId, OffsetDateTime ended, int... seconds) {
        for (int s : seconds) {
            UUID id = UUID.randomUUID();
            execute("insert into job (id, account_id, status, status_url, url, deadline_at, created_at, finished_at)"
                    + " values (?, ?, 'finished', ?, 'http://target.test/', ?, ?, ?)",
                    id, accountId, "http://gateway.test/jobs/" + id, ended, ended.minusSeconds(s), ended);
        }
    }

    public static long count(String sql, Object... params) {
        try (Connection db = TestDatabase.connect(); PreparedStatement statement = db.prepareStatement(sql)) {
            bind(statement, params);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The stored row of a job, column name to value. */
    public static Map<String, Object> row(String jobId) {
        Map<String, Object> row = rows(List.of(jobId)).get(jobId);
        if (row == null) {
            throw new IllegalStateException("no job " + jobId);
        }
        return row;
    }

    /** The stored rows of these jobs (those that exist) by job id, each column name to value; one query. */
    public static Map<String, Map<String, Object>> rows(List<String> jobIds) {
        try (Connection db = TestDatabase.connect();
             PreparedStatement select = db.prepareStatement("select * from job where id = any (?::uuid[])")) {
            select.setArray(1, db.createArrayOf("text", jobIds.toArray()));
            Map<String, Map<String, Object>> found = new HashMap<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Map<String, Object> row = new HashMap<>();
                    for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
                        row.put(rows.getMetaData().getColumnName(i), rows.getObject(i));
                    }
                    found.put(rows.getString("id"), row);
                }
            }
            return found;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void execute(String sql, Object... params) {
        try (Connection db = TestDatabase.connect(); PreparedStatement statement = db.prepareStatement(sql)) {
            bind(statement, params);
            statement.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void bind(PreparedStatement statement, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
    }
}
