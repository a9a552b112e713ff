package bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Sequential submit-to-callback latency. Callbacks arrive at a receiver inside this process, so the
 * clock stops when the callback's body has been read, with no extra hop.
 * <ul>
 * <li>{@code --mode gateway}: {@code POST /jobs} with the callback pointing here, wait for it;</li>
 * <li>{@code --mode floor}: the bare work in sequence — insert one job row and commit ({@code --db}),
 * GET the target, sign and POST the job object here.</li>
 * </ul>
 * {@code --warmup} jobs first, then {@code --jobs} measured ones. Prints {@code {"n","p50Ms","p99Ms","meanMs","maxMs"}}.
 */
final class Latency {
    private static final Map<String, CompletableFuture<Long>> ARRIVALS = new ConcurrentHashMap<>();

    static void run(Main.Args args) throws Exception {
        String mode = args.str("mode");
        String target = args.str("target");
        int jobs = args.integer("jobs", 1000), warmup = args.integer("warmup", 20);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        int port = Main.freePort();
        vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true)).requestHandler(r -> r.body().onComplete(b -> {
            long now = System.nanoTime();
            r.response().end();
            CompletableFuture<Long> arrival = ARRIVALS.remove(r.path().substring("/cb/".length()));
            if (arrival != null) arrival.complete(now);
        })).listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        String callbackBase = "http://127.0.0.1:" + port + "/cb/";
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true));

        Step step = switch (mode) {
            case "gateway" -> gatewayStep(http, args.str("gateway"), args.str("api-key"), target, callbackBase);
            case "floor" -> floorStep(vertx, http, args.str("db"), target, callbackBase);
            default -> throw new IllegalArgumentException("--mode gateway|floor");
        };

        long[] samples = new long[jobs];
        for (int i = -warmup; i < jobs; i++) {
            String id = UUID.randomUUID().toString();
            CompletableFuture<Long> arrival = new CompletableFuture<>();
            ARRIVALS.put(id, arrival);
            long t0 = System.nanoTime();
            step.run(id).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            long t1 = arrival.get(30, TimeUnit.SECONDS);
            if (i >= 0) samples[i] = t1 - t0;
        }
        double mean = 0, max = 0;
        for (long s : samples) {
            mean += s / 1e6 / jobs;
            max = Math.max(max, s / 1e6);
        }
        System.out.println(new JsonObject().put("n", jobs)
                .put("p50Ms", Main.percentileMs(samples, 50)).put("p99Ms", Main.percentileMs(samples, 99))
                .put("meanMs", Main.round(mean)).put("maxMs", Main.round(max)).encode());
        vertx.close();
        System.exit(0);
    }

    /** One job's work up to the point where its callback is on its way. */
    private interface Step {
        Future<?> run(String id);
    }

    private static Step gatewayStep(HttpClient http, String gateway, String apiKey, String target, String callbackBase) {
        RequestOptions post = new RequestOptions().setAbsoluteURI(gateway + "/jobs").setMethod(HttpMethod.POST)
                .putHeader("content-type", "application/json");
        return id -> http.request(post)
                .compose(req -> req.send(new JsonObject().put("apiKey", apiKey).put("url", target)
                        .put("callback", new JsonObject().put("type", "webhook").put("url", callbackBase + id))
                        .put("meta", new JsonObject().put("bench", "latency")).toBuffer()))
                .compose(resp -> resp.body().map(b -> {
                    if (resp.statusCode() != 200) Main.fail("POST /jobs answered " + resp.statusCode() + ": " + b);
                    return b;
                }));
    }

    private static Step floorStep(Vertx vertx, HttpClient http, String db, String target, String callbackBase) throws Exception {
        Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
                .connectingTo(PgConnectOptions.fromUri(db).setCachePreparedStatements(true)).using(vertx).build();
        UUID account = pool.query("select id from account limit 1").execute().toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS).iterator().next().getUUID(0);
        // the columns the gateway writes for POST /jobs
        String insert = "insert into job (id, account_id, status_url, url, method, headers, api_params, callback_url, meta, deadline_at)"
                + " values ($1, $2, 'http://127.0.0.1:8080/jobs/' || $1, $3, 'GET', '{}', '{}', $4, $5, now() + interval '1 day')";
        byte[] secret = "bench-floor-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
        RequestOptions get = new RequestOptions().setAbsoluteURI(target).setMethod(HttpMethod.GET);
        return id -> pool.preparedQuery(insert)
                .execute(Tuple.of(UUID.fromString(id), account, target, callbackBase + id, "{\"bench\":\"latency\"}"))
                .compose(rows -> http.request(get).compose(req -> req.send()).compose(resp -> resp.body()
                        .map(page -> new JsonObject().put("id", id).put("status", "finished").put("url", target)
                                .put("response", new JsonObject().put("statusCode", resp.statusCode()).put("body", page.toString())))))
                .compose(job -> {
                    Buffer payload = job.toBuffer();
                    long ts = System.currentTimeMillis() / 1000;
                    RequestOptions post = new RequestOptions().setAbsoluteURI(callbackBase + id).setMethod(HttpMethod.POST)
                            .putHeader("content-type", "application/json")
                            .putHeader("webhook-id", id)
                            .putHeader("webhook-timestamp", String.valueOf(ts))
                            .putHeader("webhook-signature", "v1," + sign(secret, id + "." + ts + "." + payload));
                    return http.request(post).compose(req -> req.send(payload)).compose(resp -> resp.body());
                });
    }

    static String sign(byte[] secret, String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Latency() { }
}
