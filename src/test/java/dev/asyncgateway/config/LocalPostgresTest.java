package dev.asyncgateway.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded PostgreSQL as dev mode uses it: real binaries, data kept in its directory, a running server adopted. */
class LocalPostgresTest {

    @Test
    void servesAClusterKeepsItsDataAndAdoptsTheServerThatAlreadyRuns(@TempDir Path directory) throws Exception {
        String first = LocalPostgres.serve(directory, Map.of("fsync", "off"), false);
        LocalPostgres cluster = LocalPostgres.in(directory);
        try {
            LocalPostgres.createDatabase(first, "gateway_dev", false);
            try (Connection db = DriverManager.getConnection("jdbc:postgresql://" + first + "/gateway_dev", "postgres", "");
                 Statement statement = db.createStatement()) {
                statement.execute("create table kept (v text)");
                statement.execute("insert into kept values ('survives')");
            }
            // A dev-mode restart (or a process that was killed) finds the server still running: same address.
            assertEquals(first, LocalPostgres.serve(directory, Map.of(), false));

            cluster.stop();
            assertFalse(cluster.runningPort().isPresent(), "stopped");
            String second = LocalPostgres.serve(directory, Map.of("fsync", "off"), false);
            assertTrue(cluster.runningPort().isPresent(), "started again on the same data directory");
            LocalPostgres.createDatabase(second, "gateway_dev", false);  // exists: left alone
            try (Connection db = DriverManager.getConnection("jdbc:postgresql://" + second + "/gateway_dev", "postgres", "");
                 Statement statement = db.createStatement();
                 ResultSet rows = statement.executeQuery("select v from kept")) {
                assertTrue(rows.next());
                assertEquals("survives", rows.getString(1));
            }
        } finally {
            cluster.stop();
        }
    }

    /** Below the ephemeral range, where no outgoing connection can take it before the server binds it, and free. */
    @Test
    void aFreePortLiesBelowTheKernelsEphemeralRange() throws Exception {
        int firstEphemeral = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0)
                .trim().split("\\s+")[0]);
        for (int i = 0; i < 20; i++) {
            int port = LocalPostgres.freePort();
            assertTrue(port >= 10000 && port < firstEphemeral, () -> port + " is not below " + firstEphemeral);
            try (ServerSocket server = new ServerSocket(port)) {
                assertEquals(port, server.getLocalPort());
            }
        }
    }

    @Test
    void readsHostPortAndDatabaseOfTheConfiguredUrl() {
        assertEquals(new EmbeddedDatabaseConfigSourceFactory.Target("127.0.0.1", 5432, "postgres"),
                EmbeddedDatabaseConfigSourceFactory.Target.parse("postgresql://127.0.0.1:5432/postgres").orElseThrow());
        assertEquals(new EmbeddedDatabaseConfigSourceFactory.Target("db.internal", 5432, "gateway"),
                EmbeddedDatabaseConfigSourceFactory.Target.parse("postgresql://user:pw@db.internal/gateway?sslmode=require").orElseThrow());
        assertEquals(new EmbeddedDatabaseConfigSourceFactory.Target("localhost", 6543, "postgres"),
                EmbeddedDatabaseConfigSourceFactory.Target.parse("postgres://localhost:6543").orElseThrow());
        assertTrue(EmbeddedDatabaseConfigSourceFactory.Target.parse("postgresql:///run/postgresql/gateway").isEmpty(), "socket: not probed");
        assertTrue(EmbeddedDatabaseConfigSourceFactory.Target.parse("mysql://localhost/x").isEmpty());
    }
}
