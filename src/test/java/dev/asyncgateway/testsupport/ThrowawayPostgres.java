package dev.asyncgateway.testsupport;

import dev.asyncgateway.config.LocalPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;

/**
 * A PostgreSQL cluster of its own (initdb + pg_ctl, on a free port, in a temporary directory) that a test may
 * stop and start at will; the shared server is never touched. It runs the embedded binaries that the build
 * carries ({@link LocalPostgres}), so it needs no PostgreSQL installed and behaves the same on every machine.
 */
public final class ThrowawayPostgres implements AutoCloseable {

    private static final Map<String, String> SETTINGS = Map.of("fsync", "off");

    private final LocalPostgres cluster;
    private final int port;

    private ThrowawayPostgres(LocalPostgres cluster, int port) {
        this.cluster = cluster;
        this.port = port;
    }

    /** Creates and starts a cluster with trust authentication for user {@code postgres}. */
    public static ThrowawayPostgres start() {
        try {
            LocalPostgres cluster = LocalPostgres.in(Files.createTempDirectory("gateway-throwaway-pg"));
            cluster.initdb(false);
            ThrowawayPostgres throwaway = new ThrowawayPostgres(cluster, LocalPostgres.freePort());
            throwaway.startServer();
            return throwaway;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a throwaway PostgreSQL cluster", e);
        }
    }

    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    /** Starts the server again on the same port and data directory. */
    public void startServer() {
        cluster.start(port, SETTINGS);
    }

    /** Stops the server at once, disconnecting every client, as an outage or a restart would. */
    public void stopServer() {
        cluster.stop();
    }

    @Override
    public void close() {
        try {
            cluster.stop();
        } catch (IllegalStateException alreadyStopped) {
            // nothing to stop
        }
        cluster.delete();
    }
}
