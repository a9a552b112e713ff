package dev.asyncgateway.testsupport;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/**
 * The packaged gateway ({@code target/quarkus-app/quarkus-run.jar}) running as a child process, so a
 * test can kill it for real: {@link #kill()} sends SIGKILL. It listens on
 * an ephemeral port read back from its start-up log; its output goes to {@code target/gateway-processes/}.
 */
public final class GatewayProcess implements AutoCloseable {

    public static final String API_KEY = "process-test-key";

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final Path LOGS = Path.of("target", "gateway-processes");
    private static final Pattern LISTENING = Pattern.compile("Listening on: http://[^:\\s]+:(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;

    private GatewayProcess(String name, Process process, int port, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Short leases, polls and retry delays, so recovery happens in seconds; {@code overrides} wins over
     * them (environment form, e.g. {@code GATEWAY_RUNNER_CONCURRENCY}).
     */
    public static GatewayProcess start(String name, String databaseUrl, Map<String, String> overrides) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: process tests run after packaging (./mvnw verify)");
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("QUARKUS_HTTP_PORT", "0");
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", databaseUrl);
        env.put("GATEWAY_BOOTSTRAP_API_KEY", API_KEY);
        env.put("GATEWAY_URL_POLICY_ALLOW_PRIVATE_NETWORKS", "true");
        env.put("GATEWAY_RUNNER_LEASE", "2s");
        env.put("GATEWAY_RUNNER_POLL_INTERVAL", "200ms");
        env.put("GATEWAY_FETCH_ATTEMPT_TIMEOUT", "5s");
        env.put("GATEWAY_FETCH_RETRY_INITIAL_DELAY", "50ms");
        env.put("GATEWAY_FETCH_RETRY_MAX_DELAY", "500ms");
        env.put("GATEWAY_CALLBACK_LEASE", "4s");
        env.put("GATEWAY_CALLBACK_TIMEOUT", "3s");
        env.put("GATEWAY_CALLBACK_RETRY_DELAYS", "200ms,400ms");
        env.putAll(overrides);
        try {
            Files.createDirectories(LOGS);
            Path log = LOGS.resolve(name + ".log");
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
            builder.environment().putAll(env);
            Process process = builder.start();
            return new GatewayProcess(name, process, awaitPort(name, process, log), log);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start gateway process " + name, e);
        }
    }

    private static int awaitPort(String name, Process process, Path log) {
        int[] port = {0};
        await("gateway " + name + " to listen").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("gateway " + name + " exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            Matcher listening = LISTENING.matcher(Files.readString(log));
            if (listening.find()) {
                port[0] = Integer.parseInt(listening.group(1));
            }
            return port[0] > 0;
        });
        return port[0];
    }

    /** A request to this instance carrying JSON. */
    public RequestSpecification request() {
        return given().baseUri("http://127.0.0.1").port(port).contentType(ContentType.JSON);
    }

    /** Submits one batch of target URLs and returns the accepted job ids. */
    public List<String> submitBatch(List<String> urls, Map<String, Object> extraFields) {
        Map<String, Object> body = new LinkedHashMap<>(extraFields);
        body.put("apiKey", API_KEY);
        body.put("urls", urls);
        return request().body(body).post("/batchjobs").then().statusCode(200).extract().jsonPath().getList("id", String.class);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, as a platform sends when it stops an instance: the gateway shuts down gracefully. */
    public void terminate() {
        process.toHandle().destroy();
    }

    public boolean waitForExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Everything the process printed so far. */
    public String output() throws IOException {
        return Files.readString(log);
    }

    /** SIGKILL: no shutdown hook runs, in-flight work is simply gone, as in a crash. */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gateway " + name + " did not die within 30 s of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
