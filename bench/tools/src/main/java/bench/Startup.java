package bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Starts the command after {@code --} {@code --runs} times, each on a fresh port passed in the
 * environment variable {@code --port-env}, and times process start to the first 200 from
 * {@code http://127.0.0.1:<port><--path>}, in the working directory {@code --dir} (default: this one). Also reads
 * the process's RSS ({@code /proc/<pid>/status} VmRSS) right after that first 200. Prints
 * {@code {"runsMs":[...],"medianMs","rssMb":[...],"medianRssMb","cpuMs":[...],"medianCpuMs"}} (CPU: user + system).
 */
final class Startup {
    static void run(Main.Args args) throws Exception {
        int runs = args.integer("runs", 5);
        String portEnv = args.str("port-env", "QUARKUS_HTTP_PORT");
        String path = args.str("path", "/q/health/ready");
        File log = new File(args.str("log", "startup.log"));
        int timeoutSec = args.integer("timeout", 60);
        String dir = args.str("dir", "");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();

        double[] millis = new double[runs];
        double[] rss = new double[runs];
        double[] cpu = new double[runs];
        for (int i = 0; i < runs; i++) {
            int port = Main.freePort();
            ProcessBuilder pb = new ProcessBuilder(args.rest).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
            pb.environment().put(portEnv, String.valueOf(port));
            if (!dir.isEmpty()) pb.directory(new File(dir));
            HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2)).GET().build();
            long t0 = System.nanoTime();
            Process process = pb.start();
            try {
                while (true) {
                    if (!process.isAlive()) Main.fail("process exited with " + process.exitValue() + " before it was ready; see " + log);
                    if (System.nanoTime() - t0 > timeoutSec * 1_000_000_000L) Main.fail("not ready within " + timeoutSec + " s; see " + log);
                    try {
                        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) break;
                    } catch (java.io.IOException notYet) {
                        // not listening yet
                    }
                    Thread.sleep(5);
                }
                millis[i] = Main.round((System.nanoTime() - t0) / 1e6);
                rss[i] = rssMb(process.pid());
                cpu[i] = cpuMs(process.pid());
            } finally {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
            }
        }
        JsonArray all = new JsonArray();
        for (double m : millis) all.add(m);
        JsonArray allRss = new JsonArray();
        for (double r : rss) allRss.add(r);
        JsonArray allCpu = new JsonArray();
        for (double c : cpu) allCpu.add(c);
        System.out.println(new JsonObject().put("runsMs", all).put("medianMs", Main.round(median(millis)))
                .put("rssMb", allRss).put("medianRssMb", Main.round(median(rss)))
                .put("cpuMs", allCpu).put("medianCpuMs", Main.round(median(cpu))).encode());
        System.exit(0);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** User + system CPU time of the process so far (/proc/<pid>/stat), a figure that other load disturbs far less. */
    private static double cpuMs(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
            return Main.round(ticks * 1000.0 / 100); // USER_HZ is 100 on Linux
        } catch (java.io.IOException | RuntimeException gone) {
            return 0;
        }
    }

    private static double rssMb(long pid) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Main.round(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0);
                }
            }
        } catch (java.io.IOException | RuntimeException gone) {
            // not on Linux, or the process is gone
        }
        return 0;
    }

    private Startup() { }
}
