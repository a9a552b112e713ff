package dev.asyncgateway.testsupport;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * How many rows of every table in the schema belong to one account: what a test of retention compares before and
 * after, without the rows of other tests sharing the database. Tables are read from the catalogue, so a table
 * added later is counted too, or the count fails and names it: a table is attributed through its
 * {@code account_id} column, else through a foreign key to a table that has one.
 */
public final class AccountRows {

    /** Tables no job or batch writes to: accounts' settings, Flyway's history, and instances' heartbeats (V19). */
    private static final Set<String> NOT_LEFT_BY_JOBS = Set.of("account", "project_webhook", "flyway_schema_history",
            "instance_heartbeat");

    private static final String TABLES = """
            select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' and c.relkind in ('r', 'p') order by c.relname""";

    private static final String HAS_ACCOUNT_ID = """
            select exists (select 1 from pg_attribute a join pg_class c on c.oid = a.attrelid
                           join pg_namespace n on n.oid = c.relnamespace
                           where n.nspname = 'public' and c.relname = ? and a.attname = 'account_id' and not a.attisdropped)""";

    /** A single-column foreign key of the table to a table with an {@code account_id}: column, parent, parent column. */
    private static final String PARENT_WITH_ACCOUNT_ID = """
            select a.attname, p.relname, pa.attname
            from pg_constraint k
            join pg_class t on t.oid = k.conrelid
            join pg_namespace n on n.oid = t.relnamespace
            join pg_class p on p.oid = k.confrelid
            join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]
            join pg_attribute pa on pa.attrelid = k.confrelid and pa.attnum = k.confkey[1]
            where k.contype = 'f' and n.nspname = 'public' and t.relname = ? and cardinality(k.conkey) = 1
              and exists (select 1 from pg_attribute x where x.attrelid = p.oid and x.attname = 'account_id'
                          and not x.attisdropped)
            order by k.conname limit 1""";

    private AccountRows() {
    }

    /** Table name to the number of its rows that belong to {@code account}, for every table jobs and batches use. */
    public static Map<String, Long> of(String account) {
        try (Connection db = TestDatabase.connect()) {
            Map<String, Long> counts = new TreeMap<>();
            for (String table : tables(db)) {
                if (!NOT_LEFT_BY_JOBS.contains(table)) {
                    counts.put(table, count(db, countStatement(db, table), UUID.fromString(account)));
                }
            }
            return counts;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> tables(Connection db) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (PreparedStatement select = db.prepareStatement(TABLES); ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                tables.add(rows.getString(1));
            }
        }
        return tables;
    }

    private static String countStatement(Connection db, String table) throws SQLException {
        try (PreparedStatement select = db.prepareStatement(HAS_ACCOUNT_ID)) {
            select.setString(1, table);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                if (rows.getBoolean(1)) {
                    return "select count(*) from \"" + table + "\" where account_id = ?";
                }
            }
        }
        try (PreparedStatement select = db.prepareStatement(PARENT_WITH_ACCOUNT_ID)) {
            select.setString(1, table);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw new IllegalStateException("cannot tell which rows of table " + table + " belong to an account: "
                            + "give it an account_id column or a foreign key to a table that has one");
                }
                // Counted through the parent: the foreign key means no row outlives it unnoticed.
                return "select count(*) from \"" + table + "\" t join \"" + rows.getString(2) + "\" p on p.\""
                        + rows.getString(3) + "\" = t.\"" + rows.getString(1) + "\" where p.account_id = ?";
            }
        }
    }

    private static long count(Connection db, String sql, UUID account) throws SQLException {
        try (PreparedStatement select = db.prepareStatement(sql)) {
            select.setObject(1, account);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
