package dev.asyncgateway.testsupport;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of its own (initdb + pg_ctl from the installed binaries, on a free port, in a
 * temporary directory) that a test may stop and start at will; the shared local server is never
 * touched. initdb refuses to run as root, so as root the cluster runs as the {@code postgres} user.
 * Where no binaries are installed, {@link #start()} skips the calling test.
 */
public final class ThrowawayPostgres implements AutoCloseable {

    private static final Path INSTALLATIONS = Path.of("/usr/lib/postgresql");
    private static final String OS_USER = "postgres";

    private final Path bin;
    private final Path dir;
    private final int port;

    private ThrowawayPostgres(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
    }

    /** Creates and starts a cluster with trust authentication for user {@code postgres}. */
    public static ThrowawayPostgres start() {
        Optional<Path> bin = newestBinaries();
        Assumptions.assumeTrue(bin.isPresent(), "no PostgreSQL binaries (initdb, pg_ctl) under " + INSTALLATIONS);
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            Path dir = Files.createTempDirectory("gateway-throwaway-pg");
            if (root) {
                run(List.of("chown", OS_USER, dir.toString()));
            }
            ThrowawayPostgres cluster = new ThrowawayPostgres(bin.get(), dir, freePort());
            cluster.pg("initdb", "-D", cluster.data(), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8");
            cluster.startServer();
            return cluster;
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a throwaway PostgreSQL cluster", e);
        }
    }

    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    /** Starts the server again on the same port and data directory. */
    public void startServer() {
        pg("pg_ctl", "-D", data(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "60",
                "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + dir + " -c fsync=off",
                "start");
    }

    /** Stops the server at once, disconnecting every client, as an outage or a restart would. */
    public void stopServer() {
        pg("pg_ctl", "-D", data(), "-m", "fast", "-w", "-t", "60", "stop");
    }

    @Override
    public void close() {
        try {
            pg("pg_ctl", "-D", data(), "-m", "immediate", "-w", "stop");
        } catch (IllegalStateException alreadyStopped) {
            // nothing to stop
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove " + dir, e);
        }
    }

    private String data() {
        return dir.resolve("data").toString();
    }

    private void pg(String tool, String... args) {
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("runuser", "-u", OS_USER, "--"));
        }
        command.add(bin.resolve(tool).toString());
        command.addAll(List.of(args));
        run(command);
    }

    private static void run(List<String> command) {
        try {
            // A neutral working directory: the postgres user may not be allowed into the checkout.
            Process process = new ProcessBuilder(command).directory(new File(System.getProperty("java.io.tmpdir")))
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Optional<Path> newestBinaries() {
        if (!Files.isDirectory(INSTALLATIONS)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(INSTALLATIONS)) {
            return versions.map(version -> version.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl")))
                    .max(Comparator.comparing(bin -> versionNumber(bin.getParent().getFileName().toString())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int versionNumber(String name) {
        return name.matches("\\d+") ? Integer.parseInt(name) : 0;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
