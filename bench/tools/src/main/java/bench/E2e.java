package bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Submits {@code --jobs} jobs to the gateway with {@code POST /batchjobs} ({@code --batch} URLs each,
 * {@code --submit-concurrency} requests in flight), then waits:
 * <ul>
 * <li>{@code --wait callbacks}: until the receiver counted every callback of {@code --tag}; the time
 * is first submit to the last such callback received;</li>
 * <li>{@code --wait drain}: until no job is running in {@code --db}; the time is first submit to the
 * last {@code finished_at};</li>
 * <li>{@code --wait none}: returns once everything is submitted.</li>
 * </ul>
 * With {@code --other-callback URL --other-every K}, every K-th batch calls back there instead
 * (those callbacks are not awaited). {@code --api-params JSON} gives every job those {@code apiParams} (P9:
 * {@code {"render":true}}). Prints {@code {"jobs","awaited","submitSeconds","seconds","rate"}}.
 */
final class E2e {
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    static void run(Main.Args args) throws Exception {
        String gateway = args.str("gateway");
        String apiKey = args.str("api-key");
        int jobs = args.integer("jobs", 1000);
        int batch = args.integer("batch", 1000);
        String target = args.str("target");
        String callback = args.str("callback", "");
        String otherCallback = args.str("other-callback", "");
        int otherEvery = args.integer("other-every", 0);
        String wait = args.str("wait", "callbacks");
        int timeoutSec = args.integer("timeout", 900);
        JsonObject apiParams = new JsonObject(args.str("api-params", "{}"));

        int batches = (jobs + batch - 1) / batch;
        List<String> bodies = new ArrayList<>();
        int awaited = 0;
        for (int b = 0; b < batches; b++) {
            int size = Math.min(batch, jobs - b * batch);
            boolean other = otherEvery > 0 && b % otherEvery == otherEvery - 1;
            if (!other) awaited += size;
            bodies.add(batchBody(apiKey, target, other ? otherCallback : callback, apiParams, size, b));
        }

        long t0 = System.currentTimeMillis();
        submitAll(gateway + "/batchjobs", bodies, args.integer("submit-concurrency", 2));
        long submitted = System.currentTimeMillis();

        long lastMs = switch (wait) {
            case "callbacks" -> awaitCallbacks(args.str("receiver"), args.str("tag"), awaited, timeoutSec);
            case "drain" -> awaitDrain(args.str("db"), t0, timeoutSec);
            case "none" -> submitted;
            default -> throw new IllegalArgumentException("--wait callbacks|drain|none");
        };
        if (!wait.equals("callbacks")) awaited = jobs;
        double seconds = Math.max(0.001, (lastMs - t0) / 1000.0);
        System.out.println(new JsonObject()
                .put("jobs", jobs)
                .put("awaited", awaited)
                .put("submitSeconds", Main.round((submitted - t0) / 1000.0))
                .put("seconds", Main.round(seconds))
                .put("rate", Main.round(awaited / seconds))
                .encode());
        System.exit(0);
    }

    private static String batchBody(String apiKey, String target, String callback, JsonObject apiParams, int size, int batchNo) {
        JsonArray urls = new JsonArray();
        for (int i = 0; i < size; i++) urls.add(target + (target.contains("?") ? "&" : "?") + "b=" + batchNo + "&i=" + i);
        JsonObject body = new JsonObject().put("apiKey", apiKey).put("urls", urls)
                .put("meta", new JsonObject().put("bench", "e2e").put("batch", batchNo));
        if (!apiParams.isEmpty()) body.put("apiParams", apiParams);
        if (!callback.isEmpty()) body.put("callback", new JsonObject().put("type", "webhook").put("url", callback));
        return body.encode();
    }

    private static void submitAll(String url, List<String> bodies, int concurrency) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            workers.add(pool.submit(() -> {
                for (int i; (i = next.getAndIncrement()) < bodies.size(); ) {
                    HttpResponse<String> resp = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(300))
                            .header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i))).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (resp.statusCode() != 200) {
                        Main.fail("POST " + url + " answered " + resp.statusCode() + ": " + resp.body());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : workers) f.get();
        pool.shutdown();
    }

    /** Waits on the receiver's {@code /await} and returns the receive time of the last callback. */
    static long awaitCallbacks(String receiver, String tag, long count, int timeoutSec) throws Exception {
        HttpResponse<String> resp = HTTP.send(HttpRequest.newBuilder(URI.create(
                        receiver + "/await?tag=" + tag + "&count=" + count + "&timeout=" + timeoutSec * 1000L))
                .timeout(Duration.ofSeconds(timeoutSec + 30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        JsonObject figures = new JsonObject(resp.body());
        if (figures.getLong("count") < count) {
            Main.fail("only " + figures.getLong("count") + " of " + count + " callbacks for " + tag + " within " + timeoutSec + " s");
        }
        if (figures.getLong("signed") < count) {
            System.err.println("e2e: " + (count - figures.getLong("signed")) + " callbacks lacked webhook-signature");
        }
        return figures.getLong("lastMs");
    }

    /** Polls the gateway's database until no job runs; returns the last finished_at (epoch ms). */
    private static long awaitDrain(String db, long t0, int timeoutSec) throws Exception {
        Vertx vertx = Vertx.vertx();
        Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
                .connectingTo(PgConnectOptions.fromUri(db)).using(vertx).build();
        try {
            long deadline = System.currentTimeMillis() + timeoutSec * 1000L;
            while (true) {
                long running = one(pool, "select count(*) from job where status = 'running'", Tuple.tuple()).getLong(0);
                if (running == 0) break;
                if (System.currentTimeMillis() > deadline) Main.fail(running + " jobs still running after " + timeoutSec + " s");
                Thread.sleep(20);
            }
            Row last = one(pool, "select (extract(epoch from max(finished_at)) * 1000)::bigint, count(*) filter (where status = 'failed')"
                    + " from job where finished_at >= to_timestamp($1::double precision / 1000)", Tuple.of(t0));
            if (last.getLong(1) > 0) System.err.println("e2e: " + last.getLong(1) + " jobs failed");
            return last.getLong(0) == null ? System.currentTimeMillis() : last.getLong(0);
        } finally {
            vertx.close();
        }
    }

    private static Row one(Pool pool, String sql, Tuple params) throws Exception {
        return pool.preparedQuery(sql).execute(params).toCompletionStage().toCompletableFuture()
                .get(60, TimeUnit.SECONDS).iterator().next();
    }

    private E2e() { }
}
