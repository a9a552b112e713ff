package bench.peer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.jobrunr.configuration.JobRunr;
import org.jobrunr.scheduling.BackgroundJob;
import org.jobrunr.storage.sql.postgres.PostgresStorageProvider;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;

import static org.jobrunr.server.BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration;

/**
 * The P3 workload on JobRunr with PostgreSQL storage: enqueue --jobs jobs in bulk, each of which GETs
 * --target and POSTs the job object, signed as Standard Webhooks do, to --callback. Waits on the
 * bench receiver's /await and prints {"jobs","seconds","rate"}: first enqueue to last callback received.
 * --warmup N first runs N untimed jobs the same way (numbered below zero, calling back --callback + "-warmup").
 */
public final class JobRunrPeer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    private static final byte[] SECRET = "bench-peer-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static String target;
    private static String callback;

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) a.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        int jobs = Integer.parseInt(a.get("jobs"));
        target = a.get("target");
        callback = a.get("callback");

        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(a.get("jdbc-url"));
        hikari.setUsername("postgres");
        hikari.setMaximumPoolSize(Integer.parseInt(a.getOrDefault("pool", "20")));
        JobRunr.configure()
                .useStorageProvider(new PostgresStorageProvider(new HikariDataSource(hikari)))
                .useBackgroundJobServer(usingStandardBackgroundJobServerConfiguration()
                        .andWorkerCount(Integer.parseInt(a.getOrDefault("workers", "64")))
                        .andPollIntervalInSeconds(Integer.parseInt(a.getOrDefault("poll-seconds", "5"))))
                .initialize();

        int warmup = Integer.parseInt(a.getOrDefault("warmup", "0"));
        if (warmup > 0) {
            round(-warmup, warmup, a.get("receiver"), a.get("tag") + "-warmup");
        }
        long t0 = System.currentTimeMillis();
        Round measured = round(0, jobs, a.get("receiver"), a.get("tag"));
        double seconds = (measured.lastCallbackMs() - t0) / 1000.0;
        System.out.println(JSON.createObjectNode().put("jobs", jobs).put("submitSeconds", (measured.enqueuedMs() - t0) / 1000.0)
                .put("seconds", seconds).put("rate", jobs / seconds));
        System.exit(0);
    }

    private record Round(long enqueuedMs, long lastCallbackMs) { }

    /** Enqueues n jobs numbered from first and waits for their callbacks at tag. */
    private static Round round(int first, int n, String receiver, String tag) throws Exception {
        BackgroundJob.enqueue(IntStream.range(first, first + n).boxed(), i -> JobRunrPeer.work(i));
        long enqueued = System.currentTimeMillis();
        HttpResponse<String> done = HTTP.send(HttpRequest.newBuilder(URI.create(
                        receiver + "/await?tag=" + tag + "&count=" + n + "&timeout=900000"))
                .timeout(Duration.ofSeconds(930)).GET().build(), HttpResponse.BodyHandlers.ofString());
        var figures = JSON.readTree(done.body());
        if (figures.get("count").asLong() < n) {
            System.err.println("jobrunr peer: only " + figures.get("count") + " of " + n + " callbacks arrived");
            System.exit(2);
        }
        return new Round(enqueued, figures.get("lastMs").asLong());
    }

    /** The job: fetch the page, then deliver the signed result; a non-2xx callback fails the job (JobRunr retries). */
    public static void work(Integer i) throws Exception {
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(target + "?i=" + i))
                .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
        ObjectNode job = JSON.createObjectNode().put("id", String.valueOf(i)).put("status", "finished").put("url", target);
        job.putObject("response").put("statusCode", page.statusCode()).put("body", page.body());
        String payload = JSON.writeValueAsString(job);
        String msgId = "msg_" + i;
        long ts = System.currentTimeMillis() / 1000;
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
        String signature = Base64.getEncoder().encodeToString(
                mac.doFinal((msgId + "." + ts + "." + payload).getBytes(StandardCharsets.UTF_8)));
        HttpResponse<Void> resp = HTTP.send(HttpRequest.newBuilder(URI.create(i < 0 ? callback + "-warmup" : callback))
                .timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json")
                .header("webhook-id", msgId)
                .header("webhook-timestamp", String.valueOf(ts))
                .header("webhook-signature", "v1," + signature)
                .POST(HttpRequest.BodyPublishers.ofString(payload)).build(), HttpResponse.BodyHandlers.discarding());
        if (resp.statusCode() / 100 != 2) throw new IllegalStateException("callback answered " + resp.statusCode());
    }

    private JobRunrPeer() { }
}
