package dev.asyncgateway.testsupport;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A target and webhook receiver for process-level tests. {@code GET /work/<key>/<millis>} answers 200
 * after a delay and records, per key, how many fetches arrived, the most that overlapped, and which were
 * cut off because the gateway fetching them died; give every job its own key to see its fetches apart.
 * {@code POST /hook/<millis>} takes a job callback, answers 200 after a delay and records its
 * {@code webhook-id} under the job's id.
 */
public final class CountingTarget implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final Map<String, AtomicInteger> fetches = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();
    private final Map<String, Integer> maxOverlap = new ConcurrentHashMap<>();
    private final Set<String> cutOff = ConcurrentHashMap.newKeySet();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, List<String>> webhookIdsByJob = new ConcurrentHashMap<>();
    private final int port;

    public CountingTarget() {
        Router router = Router.router(vertx);
        router.get("/work/:key/:millis").handler(this::work);
        router.post("/hook/:millis").handler(BodyHandler.create()).handler(this::hook);
        try {
            port = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the counting target", e);
        }
    }

    public String url(String key, long millis) {
        return "http://127.0.0.1:" + port + "/work/" + key + "/" + millis;
    }

    public int fetches(String key) {
        AtomicInteger count = fetches.get(key);
        return count == null ? 0 : count.get();
    }

    /** Largest overlap of any key: 1 when no job was ever fetched twice at once. */
    public int maxOverlapOfAnyKey() {
        return maxOverlap.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    /** Keys whose fetch lost its connection before the answer (the gateway fetching it died). */
    public Set<String> cutOff() {
        return Set.copyOf(cutOff);
    }

    public String hookUrl(long millis) {
        return "http://127.0.0.1:" + port + "/hook/" + millis;
    }

    /** Job id to the {@code webhook-id} of every callback received for it, in arrival order. */
    public Map<String, List<String>> webhookIdsByJob() {
        return Map.copyOf(webhookIdsByJob);
    }

    /** Fetches in progress right now, over all keys. */
    public int inFlight() {
        return inFlight.get();
    }

    private void work(RoutingContext ctx) {
        String key = ctx.pathParam("key");
        fetches.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        int overlap = open.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        maxOverlap.merge(key, overlap, Math::max);
        inFlight.incrementAndGet();
        HttpServerResponse response = ctx.response();
        AtomicInteger done = new AtomicInteger();
        Runnable leave = () -> {
            if (done.getAndIncrement() == 0) {
                open.get(key).decrementAndGet();
                inFlight.decrementAndGet();
            }
        };
        response.closeHandler(ignored -> {
            if (done.get() == 0) {
                cutOff.add(key);
            }
            leave.run();
        });
        vertx.setTimer(Long.parseLong(ctx.pathParam("millis")), id -> {
            leave.run();
            if (!response.closed()) {
                response.putHeader("Content-Type", "text/plain").end("done " + key);
            }
        });
    }

    private void hook(RoutingContext ctx) {
        String jobId = ctx.body().asJsonObject().getString("id");
        webhookIdsByJob.computeIfAbsent(jobId, id -> new CopyOnWriteArrayList<>()).add(ctx.request().getHeader("webhook-id"));
        vertx.setTimer(Long.parseLong(ctx.pathParam("millis")), id -> ctx.response().end());
    }

    @Override
    public void close() {
        vertx.close();
    }
}
