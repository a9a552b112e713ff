package dev.asyncgateway.common;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.Jobs;
import dev.asyncgateway.testsupport.Webhooks;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.sameInstance;
import static org.hamcrest.Matchers.startsWith;

/**
 * CPU-heavy work (converting pages, building and signing large callbacks, validating large batches) runs on the CPU
 * workers, so the event loops stay free: while it runs, {@code /q/health/live} answers within half a second on every
 * fresh connection (Vert.x hands connections to its event loops in turn, so a blocked loop would be met), and Vert.x's
 * blocked-thread checker, set to half a second here, never speaks up.
 */
@QuarkusTest
@TestProfile(CpuWorkersTest.Profile.class)
class CpuWorkersTest {

    public static class Profile implements QuarkusTestProfile {
        static final int THREADS = 2;
        static final int MAX_QUEUED = 8;

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "gateway.fetch.max-body-bytes", String.valueOf(16 << 20),
                    "gateway.fetch.attempt-timeout", "20s",
                    "gateway.jobs.batch-max-urls", "50000",
                    "gateway.callback.concurrency-per-host", "32",
                    // deliveries wait for the CPU workers under their lease: the test profile's 5 s is short for a busy machine
                    "gateway.callback.lease", "60s",
                    "gateway.callback.timeout", "10s",
                    "gateway.cpu-work.threads", String.valueOf(THREADS),
                    "gateway.cpu-work.max-queued", String.valueOf(MAX_QUEUED),
                    "quarkus.vertx.max-event-loop-execute-time", "500ms",
                    // with the stack of the blocked thread, so that a failure shows what blocked it
                    "quarkus.vertx.warning-exception-time", "500ms");
        }
    }

    private static final long HEALTH_LIMIT_MS = 500;
    /**
     * Large enough that converting it takes an event loop for over a second (about a second per MiB), small enough for
     * three conversions to end within seconds on two threads.
     */
    private static final String PAGE = page(3 << 19);
    /**
     * A job document whose form encoding and signing take 100 ms or more: every other character must be escaped, which is
     * the slowest case of form encoding per byte read (less data for the claim to read and the receiver to take, per
     * millisecond of encoding, than any other text).
     */
    private static final String LARGE_RESPONSE = "{\"statusCode\":200,\"headers\":{\"content-type\":\"text/plain\"},\"body\":\""
            + "a&".repeat(1 << 20) + "\",\"finalUrl\":\"http://example.test/\"}";
    private static final Logger BLOCKED_THREAD_CHECKER = Logger.getLogger("io.vertx.core.impl.BlockedThreadChecker");

    private static Vertx peerVertx;
    private static HttpServer peer;
    private static final AtomicInteger callbacksReceived = new AtomicInteger();
    private static boolean warmedUp;

    private final List<String> blockedThreadWarnings = new CopyOnWriteArrayList<>();
    private final Handler blockedThreadCapture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            blockedThreadWarnings.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @TestHTTPResource("/")
    URL gateway;

    @Inject
    CpuWorkers cpuWorkers;

    @Inject
    Vertx vertx;

    /** The target serving {@link #PAGE} on GET (a small page on {@code /small}), and the receiver of callbacks on POST (it counts and discards them). */
    @BeforeAll
    static void startPeer() throws Exception {
        peerVertx = Vertx.vertx();
        Buffer page = Buffer.buffer(PAGE);
        peer = peerVertx.createHttpServer().requestHandler(request -> {
            if (request.method().name().equals("POST")) {
                request.handler(ignored -> { }).endHandler(ignored -> {
                    callbacksReceived.incrementAndGet();
                    request.response().end();
                });
            } else if (request.path().equals("/small")) {
                request.response().putHeader("Content-Type", "text/html; charset=utf-8").end("<p>small</p>");
            } else {
                request.response().putHeader("Content-Type", "text/html; charset=utf-8").end(page);
            }
        });
        peer.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopPeer() {
        peerVertx.close();
    }

    /**
     * After one small job with a callback, and a first health answer: the first of each loads classes and parses queries
     * on an event loop, once per start (a cold start, not what this test is about).
     */
    @BeforeEach
    void listenForBlockedThreads() {
        if (!warmedUp) {
            String apiKey = Api.newAccount();
            Api.submitJob(Map.of("apiKey", apiKey, "url", peerUrl("/small"), "callback", Webhooks.callback(peerUrl("/hook"))));
            UUID account = Jobs.accountId(apiKey);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    Jobs.count("select count(*) from delivery where account_id = ? and status = 'delivered'", account) == 1);
            new Liveness().probe();
            warmedUp = true;
        }
        BLOCKED_THREAD_CHECKER.addHandler(blockedThreadCapture);
    }

    @AfterEach
    void stopListening() {
        BLOCKED_THREAD_CHECKER.removeHandler(blockedThreadCapture);
    }

    @Test
    void healthAnswersAtOnceWhileLargePagesAreConvertedToMarkdown() {
        String apiKey = Api.newAccount();
        UUID account = Jobs.accountId(apiKey);
        for (int i = 0; i < 3; i++) {
            Api.submitJob(Map.of("apiKey", apiKey, "url", peerUrl("/page/" + i), "apiParams", Map.of("output_format", "markdown")));
        }
        Liveness liveness = new Liveness();

        await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(50)).until(() -> liveness.probe()
                && Jobs.count("select count(*) from job where account_id = ? and status <> 'running'", account) == 3);

        assertThat("converted", Jobs.count("select count(*) from job where account_id = ? and status = 'finished'"
                + " and response like '%**bold**%' and response not like '%<b>%'", account), equalTo(3L));
        liveness.assertAlwaysPrompt();
        assertThat(blockedThreadWarnings, empty());
    }

    /**
     * The jobs are stored finished, so building their callbacks (form encoding, then signing) is the only heavy work. One
     * claim takes them all and starts them together: inline, they were built one after the other in one event-loop task.
     */
    @Test
    void healthAnswersAtOnceWhileLargeCallbacksAreEncodedAndSigned() {
        Webhooks.TestAccount account = Webhooks.newAccount();
        UUID accountId = UUID.fromString(account.id());
        int callbacks = 24;
        int before = callbacksReceived.get();
        for (int i = 0; i < callbacks; i++) {
            UUID job = UUID.randomUUID();
            Jobs.execute("insert into job (id, account_id, status_url, url, status, response, attempts, deadline_at, finished_at,"
                    + " callback_url) values (?, ?, 'http://gateway.test/jobs/' || ?, 'http://example.test/', 'finished', ?, 1,"
                    + " now() + interval '1 hour', now(), ?)", job, accountId, job.toString(), LARGE_RESPONSE, peerUrl("/hook"));
            Jobs.execute("insert into delivery (id, job_id, account_id, kind, url, encoding, max_attempts)"
                    + " values (?, ?, ?, 'callback', ?, 'form', 3)", UUID.randomUUID(), job, accountId, peerUrl("/hook"));
        }
        Liveness liveness = new Liveness();

        Jobs.execute("notify gateway_deliveries_due");
        await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(50)).until(() -> liveness.probe()
                && Jobs.count("select count(*) from delivery where account_id = ? and status = 'delivered'", accountId) == callbacks);

        assertThat(callbacksReceived.get() - before, equalTo(callbacks));
        liveness.assertAlwaysPrompt();
        assertThat(blockedThreadWarnings, empty());
    }

    /**
     * The last URL is refused, so each request reads and checks every URL and then nothing is stored. Several at once, so
     * that some event loop gets more than one.
     */
    @Test
    void healthAnswersAtOnceWhileBatchesOfFiftyThousandUrlsAreValidated() throws Exception {
        int requests = 8;
        String body = batchBody(50_000, "ftp://example.test/");
        ExecutorService clients = Executors.newFixedThreadPool(requests);
        try {
            List<CompletableFuture<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                answers.add(CompletableFuture.supplyAsync(() -> given().contentType(ContentType.JSON).body(body)
                        .post("/batchjobs").then().body("field", equalTo("urls[49999]")).extract().statusCode(), clients));
            }
            Liveness liveness = new Liveness();

            await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(50))
                    .until(() -> liveness.probe() && answers.stream().allMatch(CompletableFuture::isDone));

            for (CompletableFuture<Integer> answer : answers) {
                assertThat(answer.get(), equalTo(400));
            }
            liveness.assertAlwaysPrompt();
            assertThat(blockedThreadWarnings, empty());
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void aLargeSubmissionIsRefusedWithRetryAfterWhileTheWorkersAreSaturatedAndSmallWorkStillRuns() {
        CountDownLatch release = new CountDownLatch(1);
        try {
            for (int i = 0; i < Profile.THREADS + Profile.MAX_QUEUED; i++) {
                cpuWorkers.run(() -> awaitUninterruptibly(release)).subscribe().with(ignored -> { });
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> cpuWorkers.waiting() == Profile.MAX_QUEUED);
            String apiKey = Api.newAccount();

            given().contentType(ContentType.JSON).body(batchBody(2_000, peerUrl("/page/last"), apiKey)).post("/batchjobs")
                    .then().statusCode(503).header("Retry-After", "1").body("error", startsWith("the gateway is busy"));
            String id = Api.submitJob(Map.of("apiKey", apiKey, "url", peerUrl("/small")));

            await().atMost(Duration.ofSeconds(5)).until(() -> Api.status(id).equals("finished"));
            assertThat("only the small job was stored", Jobs.count("select count(*) from job where account_id = ?",
                    Jobs.accountId(apiKey)), equalTo(1L));
        } finally {
            release.countDown();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> cpuWorkers.waiting() == 0);
    }

    /**
     * A request's pipeline runs on a duplicated context (where Hibernate Reactive keeps its session): after the hop it
     * must go on on that very context, on its event loop; small work must not hop at all.
     */
    @Test
    void workComesBackOnTheCallersContextAndSmallWorkStaysThere() throws Exception {
        Context caller = VertxContext.getOrCreateDuplicatedContext(vertx.getOrCreateContext());
        CompletableFuture<List<Object>> large = new CompletableFuture<>();
        CompletableFuture<String> small = new CompletableFuture<>();
        caller.runOnContext(ignored -> {
            String loop = Thread.currentThread().getName();
            cpuWorkers.run(1 << 20, () -> Thread.currentThread().getName()).subscribe().with(
                    worker -> large.complete(List.of(worker, Vertx.currentContext(), Thread.currentThread().getName(), loop)),
                    large::completeExceptionally);
            cpuWorkers.run(100, () -> Thread.currentThread().getName()).subscribe().with(small::complete, small::completeExceptionally);
        });

        List<Object> seen = large.get(5, TimeUnit.SECONDS);
        assertThat("ran on the pool", (String) seen.get(0), startsWith("gateway-cpu"));
        assertThat("came back on the caller's context", seen.get(1), sameInstance(caller));
        assertThat("on its event loop thread", seen.get(2), equalTo(seen.get(3)));
        assertThat("small work stays on the event loop", small.get(5, TimeUnit.SECONDS), equalTo(seen.get(3)));
    }

    private String peerUrl(String path) {
        return "http://127.0.0.1:" + peer.actualPort() + path;
    }

    private static String batchBody(int urls, String lastUrl) {
        return batchBody(urls, lastUrl, "test-key");
    }

    /** URLs of about 300 characters: 50,000 of them make a 15 MB request, near the 16 MiB a request may have. */
    private static String batchBody(int urls, String lastUrl, String apiKey) {
        StringBuilder body = new StringBuilder("{\"apiKey\":\"" + apiKey + "\",\"urls\":[");
        String path = "/" + "segment/".repeat(35) + "page?id=";
        for (int i = 0; i < urls - 1; i++) {
            body.append("\"http://127.0.0.1:1").append(path).append(i).append("\",");
        }
        return body.append('"').append(lastUrl).append("\"]}").toString();
    }

    private static String page(int bytes) {
        String paragraph = "<p>Lorem ipsum dolor sit amet, <b>bold</b> consectetur adipiscing elit, sed do eiusmod tempor"
                + " incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation"
                + " <a href=\"/more\">ullamco</a> laboris nisi ut aliquip ex ea commodo consequat.</p>\n";
        return "<html><head><title>Large</title></head><body>" + paragraph.repeat(bytes / paragraph.length())
                + "</body></html>";
    }

    private static Void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /** Asks {@code /q/health/live} on a fresh connection each time, and remembers the slowest answer. */
    private final class Liveness {
        private static final int GIVE_UP_MS = 10_000;
        private long slowestMs;
        private int probes;
        private final List<String> failures = new ArrayList<>();

        /** Always true, so that it can lead an Awaitility condition. */
        boolean probe() {
            long start = System.nanoTime();
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(gateway.getHost(), gateway.getPort()), GIVE_UP_MS);
                socket.setSoTimeout(GIVE_UP_MS);
                OutputStream out = socket.getOutputStream();
                out.write(("GET /q/health/live HTTP/1.1\r\nHost: " + gateway.getHost() + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                if (!answer.startsWith("HTTP/1.1 200")) {
                    failures.add(answer.lines().findFirst().orElse("no answer"));
                }
            } catch (SocketTimeoutException e) {
                failures.add("no answer within " + GIVE_UP_MS + " ms");
            } catch (Exception e) {
                failures.add(e.toString());
            }
            probes++;
            slowestMs = Math.max(slowestMs, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            return true;
        }

        void assertAlwaysPrompt() {
            assertThat(failures, empty());
            assertThat("slowest of " + probes + " answers, in ms", slowestMs, lessThan(HEALTH_LIMIT_MS));
        }
    }
}
