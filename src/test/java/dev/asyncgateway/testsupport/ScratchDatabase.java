package dev.asyncgateway.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A database of its own for one process-level test, created fresh and dropped at close. Its name
 * derives from GATEWAY_TEST_DATABASE, so parallel checkouts never share one.
 */
public final class ScratchDatabase implements AutoCloseable {

    private final String hostPort;
    private final String name;

    private ScratchDatabase(String hostPort, String name) {
        this.hostPort = hostPort;
        this.name = name;
    }

    /** A fresh database named {@code <GATEWAY_TEST_DATABASE>_<suffix>} on the shared local server. */
    public static ScratchDatabase create(String suffix) {
        return create(TestDatabase.HOST, TestDatabase.NAME + "_" + suffix);
    }

    /** A fresh database of this name on the server at {@code hostPort}. */
    public static ScratchDatabase create(String hostPort, String name) {
        ScratchDatabase database = new ScratchDatabase(hostPort, name);
        database.administer("drop database if exists " + name + " with (force)", "create database " + name);
        return database;
    }

    public String reactiveUrl() {
        return "postgresql://" + hostPort + "/" + name;
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:" + reactiveUrl(), "postgres", "");
    }

    /** The single number a query returns, e.g. a count. */
    public long number(String sql, Object... params) {
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("query failed: " + sql, e);
        }
    }

    @Override
    public void close() {
        administer("drop database if exists " + name + " with (force)");
    }

    private void administer(String... statements) {
        try (Connection admin = DriverManager.getConnection("jdbc:postgresql://" + hostPort + "/postgres", "postgres", "");
             Statement statement = admin.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare database " + name + " on " + hostPort, e);
        }
    }
}
