package bench;

import io.vertx.core.Context;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop load generator (the harness's replacement for wrk + Lua): {@code --connections} loops,
 * each sending the same request again as soon as the previous answer is read, spread over
 * {@code --threads} event loops. Answers completed inside the window after {@code --warmup} count.
 * Prints {@code {"seconds","requests","ok","non2xx","errors","okRps","p50Ms","p99Ms","statuses"}}.
 */
final class Load {
    static void run(Main.Args args) throws Exception {
        String url = args.str("url");
        HttpMethod method = HttpMethod.valueOf(args.str("method", "GET"));
        String bodyFile = args.str("body-file", null);
        byte[] body = bodyFile == null ? null : Files.readAllBytes(Path.of(bodyFile));
        int connections = args.integer("connections", 64);
        int threads = Math.min(connections, args.integer("threads", 2));
        double duration = args.dbl("duration", 10), warmup = args.dbl("warmup", 1);

        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(threads));
        long measureFrom = System.nanoTime() + (long) (warmup * 1e9);
        long end = measureFrom + (long) (duration * 1e9);
        AtomicLong ok = new AtomicLong(), non2xx = new AtomicLong(), errors = new AtomicLong();
        Map<Integer, AtomicLong> statuses = new java.util.concurrent.ConcurrentHashMap<>();
        long[] latencies = new long[4_000_000];
        AtomicInteger latencyCount = new AtomicInteger();
        AtomicBoolean reported = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(connections);

        RequestOptions request = new RequestOptions().setAbsoluteURI(url).setMethod(method).setTimeout(120_000);
        if (body != null) request.putHeader("content-type", "application/json");

        for (int t = 0; t < threads; t++) {
            int loops = connections / threads + (t < connections % threads ? 1 : 0);
            Context context = vertx.getOrCreateContext();
            context.runOnContext(v -> {
                HttpClient client = vertx.createHttpClient(
                        new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
                        new PoolOptions().setHttp1MaxSize(loops));
                for (int i = 0; i < loops; i++) {
                    new Runnable() {
                        public void run() {
                            long t0 = System.nanoTime();
                            if (t0 >= end) {
                                done.countDown();
                                return;
                            }
                            client.request(request)
                                    .compose(req -> body == null ? req.send() : req.send(Buffer.buffer(body)))
                                    .compose(resp -> resp.body().map(b -> {
                                        if (resp.statusCode() / 100 != 2 && reported.compareAndSet(false, true)) {
                                            System.err.println("load: first non-2xx answer " + resp.statusCode() + ": "
                                                    + b.toString().substring(0, Math.min(500, b.length())));
                                        }
                                        return resp.statusCode();
                                    }))
                                    .onComplete(ar -> {
                                        long t1 = System.nanoTime();
                                        boolean counted = t1 >= measureFrom && t1 <= end;
                                        if (ar.failed()) {
                                            if (counted) errors.incrementAndGet();
                                            vertx.setTimer(10, x -> run()); // do not spin on a refused connection
                                            return;
                                        }
                                        if (counted) {
                                            int status = ar.result();
                                            (status / 100 == 2 ? ok : non2xx).incrementAndGet();
                                            statuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
                                            int idx = latencyCount.getAndIncrement();
                                            if (idx < latencies.length) latencies[idx] = t1 - t0;
                                        }
                                        run();
                                    });
                        }
                    }.run();
                }
            });
        }
        if (!done.await((long) (warmup + duration + 180), TimeUnit.SECONDS)) {
            System.err.println("load: some requests never finished");
        }
        long[] samples = Arrays.copyOf(latencies, Math.min(latencyCount.get(), latencies.length));
        JsonObject codes = new JsonObject();
        new TreeMap<>(statuses).forEach((k, v) -> codes.put(String.valueOf(k), v.get()));
        System.out.println(new JsonObject()
                .put("seconds", duration)
                .put("requests", ok.get() + non2xx.get() + errors.get())
                .put("ok", ok.get())
                .put("non2xx", non2xx.get())
                .put("errors", errors.get())
                .put("okRps", Main.round(ok.get() / duration))
                .put("p50Ms", Main.percentileMs(samples, 50))
                .put("p99Ms", Main.percentileMs(samples, 99))
                .put("statuses", codes)
                .encode());
        vertx.close();
        System.exit(0);
    }

    private Load() { }

}
