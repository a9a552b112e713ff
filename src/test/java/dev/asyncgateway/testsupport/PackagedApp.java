package dev.asyncgateway.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged gateway (the jar, or the native binary after {@code -Dnative}) as a process of its own,
 * for tests that need what {@code @QuarkusIntegrationTest} cannot do, such as sending it SIGTERM.
 * It listens on an ephemeral port, read from its start-up line.
 */
public final class PackagedApp implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("Listening on: http://[^:]+:(\\d+)");

    private final Process process;
    private final Thread reader;
    private final int port;
    private final List<String> output = new ArrayList<>();

    private PackagedApp(Process process, Duration startTimeout) throws Exception {
        this.process = process;
        CompletableFuture<Integer> port = new CompletableFuture<>();
        reader = new Thread(() -> readOutput(port), "packaged-app-output");
        reader.setDaemon(true);
        reader.start();
        this.port = port.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts the artifact the last build produced, configured only by {@code env} on top of the prod profile. */
    public static PackagedApp start(Map<String, String> env, Duration startTimeout) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command()).redirectErrorStream(true);
        builder.environment().putAll(env);
        builder.environment().put("QUARKUS_HTTP_PORT", "0");
        return new PackagedApp(builder.start(), startTimeout);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /**
     * Sends SIGTERM, as a container platform does when it stops an instance. Through the process handle,
     * because {@link Process#destroy()} also closes the pipes, and the shutdown's log lines would be lost.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** True when the process ended in time; its output is then complete. */
    public boolean waitForExit(Duration timeout) throws InterruptedException {
        boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (exited) {
            reader.join(timeout.toMillis());
        }
        return exited;
    }

    public synchronized String output() {
        return String.join("\n", output);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private static List<String> command() throws IOException {
        Properties artifact = new Properties();
        Path target = Path.of("target");
        try (var in = Files.newInputStream(target.resolve("quarkus-artifact.properties"))) {
            artifact.load(in);
        }
        String path = target.resolve(artifact.getProperty("path")).toAbsolutePath().toString();
        return "native".equals(artifact.getProperty("type"))
                ? List.of(path)
                : List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", path);
    }

    private void readOutput(CompletableFuture<Integer> port) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                synchronized (this) {
                    output.add(line);
                }
                Matcher listening = LISTENING.matcher(line);
                if (listening.find()) {
                    port.complete(Integer.parseInt(listening.group(1)));
                }
            }
            port.completeExceptionally(new IllegalStateException("the gateway exited before listening:\n" + output()));
        } catch (IOException e) {
            port.completeExceptionally(new UncheckedIOException(e));
        }
    }
}
