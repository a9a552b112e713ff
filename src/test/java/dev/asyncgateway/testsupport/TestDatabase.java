package dev.asyncgateway.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * Gives the test run a fresh database of its own on the local PostgreSQL, so runs never see each
 * other's rows. The name comes from GATEWAY_TEST_DATABASE (default {@code gateway_test}); parallel
 * checkouts set different names. Applied to every {@code @QuarkusTest} (see {@link TestDatabaseResource}).
 */
public class TestDatabase implements QuarkusTestResourceLifecycleManager {

    public static final String HOST = System.getenv().getOrDefault("GATEWAY_TEST_DB_HOST", "127.0.0.1:5432");
    /** Integration tests (Failsafe) add the suffix {@code _it}, so they never share the unit tests' database. */
    public static final String NAME = System.getenv().getOrDefault("GATEWAY_TEST_DATABASE", "gateway_test")
            + System.getProperty("gateway.test-database-suffix", "");
    private static boolean created;

    @Override
    public Map<String, String> start() {
        recreateOnce();
        return Map.of("quarkus.datasource.reactive.url", reactiveUrl());
    }

    @Override
    public void stop() {
        // kept for inspection after a failed run; recreated at the next run's start
    }

    public static String reactiveUrl() {
        return "postgresql://" + HOST + "/" + NAME;
    }

    public static String jdbcUrl() {
        return "jdbc:" + reactiveUrl();
    }

    /** A JDBC connection for assertions on stored state (tests only; the gateway never uses JDBC per request). */
    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), "postgres", "");
    }

    private static synchronized void recreateOnce() {
        if (created) {
            return;
        }
        try (Connection admin = DriverManager.getConnection("jdbc:postgresql://" + HOST + "/postgres", "postgres", "");
             Statement statement = admin.createStatement()) {
            statement.execute("drop database if exists " + NAME + " with (force)");
            statement.execute("create database " + NAME);
            created = true;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + NAME + " on " + HOST
                    + " (is PostgreSQL running? see README)", e);
        }
    }
}
