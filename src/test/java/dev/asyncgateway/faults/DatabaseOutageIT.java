package dev.asyncgateway.faults;

import dev.asyncgateway.testsupport.CountingTarget;
import dev.asyncgateway.testsupport.GatewayProcess;
import dev.asyncgateway.testsupport.ScratchDatabase;
import dev.asyncgateway.testsupport.ThrowawayPostgres;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL stops mid-load and comes back, with a client submitting all along: every answer is a
 * 200 or a fast 503 in the error shape with Retry-After (never a hang or a 500), the runner waits,
 * and once the database is back every job accepted before or around the outage ends, without a
 * restart of the gateway.
 */
class DatabaseOutageIT {

    private static final int JOBS = 300;
    /** "Fast" for a 503: far below any client timeout, with room for a busy machine. */
    private static final Duration FAST = Duration.ofSeconds(3);
    private static final RestAssuredConfig HANG_DETECTING = RestAssuredConfig.config().httpClient(HttpClientConfig.httpClientConfig()
            .setParam("http.connection.timeout", 10_000).setParam("http.socket.timeout", 10_000));

    @Test
    void submissionsGetAFast503DuringAnOutageAndEveryAcceptedJobEndsAfterIt() {
        try (ThrowawayPostgres postgres = ThrowawayPostgres.start();
             ScratchDatabase database = ScratchDatabase.create(postgres.hostPort(), "gateway");
             CountingTarget target = new CountingTarget();
             GatewayProcess gateway = GatewayProcess.start("outage", database.reactiveUrl(),
                     Map.of("GATEWAY_RUNNER_CONCURRENCY", "10"))) {
            List<String> accepted = new ArrayList<>(gateway.submitBatch(
                    IntStream.range(0, JOBS).mapToObj(i -> target.url("outage-" + i, 200)).toList(), Map.of()));
            await("some jobs to end").atMost(Duration.ofSeconds(30)).until(() -> ended(database) >= 20);
            assertTrue(ended(database) < JOBS, "jobs are still queued when the database goes away");

            List<Answer> answers;
            try (Submitter submitter = new Submitter(gateway, target.url("around", 1))) {
                await("submissions to go through").atMost(Duration.ofSeconds(10)).until(() -> submitter.count(200) >= 3);
                postgres.stopServer();
                await("submissions to be refused").atMost(Duration.ofSeconds(20)).until(() -> submitter.count(503) >= 5);
                Answer lookup = Answer.of(gateway.request().config(HANG_DETECTING).get("/jobs/" + accepted.get(0)));
                postgres.startServer();
                long before = submitter.count(200);
                await("submissions to go through again").atMost(Duration.ofSeconds(30)).until(() -> submitter.count(200) > before + 3);
                answers = submitter.stop();
                answers.add(lookup);
            }

            for (Answer answer : answers) {
                assertTrue(answer.status() == 200 || answer.status() == 503, "unexpected answer " + answer);
                assertTrue(answer.millis() < FAST.toMillis(), "slow answer " + answer);
                if (answer.status() == 503) {
                    assertEquals("database unavailable, try again shortly", answer.error(), "503 body " + answer);
                    assertTrue(answer.retryAfter() != null, "503 without Retry-After " + answer);
                }
                if (answer.status() == 200 && answer.id() != null) {
                    accepted.add(answer.id());
                }
            }
            assertTrue(gateway.isAlive(), "the gateway rode out the outage without a restart");
            await("every accepted job to end").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> database.number("select count(*) from job where status = 'running'") == 0);
            UUID[] ids = accepted.stream().map(UUID::fromString).toArray(UUID[]::new);
            assertEquals(accepted.size(), database.number("select count(*) from job where id = any(?) and status = 'finished'", (Object) ids),
                    "every job accepted before, during or after the outage finished");
        }
    }

    private static long ended(ScratchDatabase database) {
        return database.number("select count(*) from job where status <> 'running'");
    }

    /** What one request got; status -1 when it got no answer within the client's timeouts. */
    private record Answer(int status, long millis, String error, String retryAfter, String id) {
        static Answer of(Response response) {
            boolean json = response.contentType() != null && response.contentType().contains("json");
            return new Answer(response.statusCode(), response.time(), json ? response.path("error") : null,
                    response.header("Retry-After"), response.statusCode() == 200 && json ? response.path("id") : null);
        }
    }

    /** A client that submits a job every 50 ms from its own thread and keeps every answer. */
    private static final class Submitter implements AutoCloseable {
        private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
        private final Queue<Answer> answers = new ConcurrentLinkedQueue<>();

        Submitter(GatewayProcess gateway, String url) {
            Map<String, Object> job = Map.of("apiKey", GatewayProcess.API_KEY, "url", url);
            thread.scheduleWithFixedDelay(() -> {
                long start = System.nanoTime();
                try {
                    answers.add(Answer.of(gateway.request().config(HANG_DETECTING).body(job).post("/jobs")));
                } catch (RuntimeException noAnswer) {
                    answers.add(new Answer(-1, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), noAnswer.toString(), null, null));
                }
            }, 0, 50, TimeUnit.MILLISECONDS);
        }

        long count(int status) {
            return answers.stream().filter(answer -> answer.status() == status).count();
        }

        List<Answer> stop() {
            close();
            return new ArrayList<>(answers);
        }

        @Override
        public void close() {
            thread.shutdownNow();
            try {
                thread.awaitTermination(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
