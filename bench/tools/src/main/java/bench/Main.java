package bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One program, several subcommands, so that bench/run needs a single jar:
 * <pre>
 *   serve     target server, webhook receiver and a hanging receiver (prints their ports as JSON)
 *   load      closed-loop HTTP load: N connections for D seconds, prints rate and latency as JSON
 *   e2e       submits jobs to the gateway in batches and waits for their callbacks (or for the queue to drain)
 *   latency   sequential submit-to-callback latency, against the gateway or the bare floor program
 *   startup   process start to first 200 from a readiness URL, repeated
 *   report    turns the measures file into the table and the results JSON
 * </pre>
 */
public final class Main {
    public static void main(String[] argv) throws Exception {
        if (argv.length == 0) {
            System.err.println("usage: bench-tools serve|load|e2e|latency|startup|report --option value ...");
            System.exit(64);
        }
        try {
            dispatch(argv);
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(2); // Vert.x threads would keep a failed run alive
        }
    }

    private static void dispatch(String[] argv) throws Exception {
        Args args = new Args(argv);
        switch (argv[0]) {
            case "serve" -> Serve.run(args);
            case "load" -> Load.run(args);
            case "e2e" -> E2e.run(args);
            case "latency" -> Latency.run(args);
            case "startup" -> Startup.run(args);
            case "report" -> Report.run(args);
            default -> {
                System.err.println("unknown subcommand " + argv[0]);
                System.exit(64);
            }
        }
    }

    /** {@code --key value} options after the subcommand; everything after {@code --} is kept as is. */
    static final class Args {
        private final Map<String, String> options = new HashMap<>();
        final List<String> rest = new ArrayList<>();

        Args(String[] argv) {
            for (int i = 1; i < argv.length; i++) {
                if (argv[i].equals("--")) {
                    rest.addAll(Arrays.asList(argv).subList(i + 1, argv.length));
                    return;
                }
                if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                    throw new IllegalArgumentException("expected --option value at " + argv[i]);
                }
                options.put(argv[i].substring(2), argv[++i]);
            }
        }

        String str(String key) {
            String v = options.get(key);
            if (v == null) throw new IllegalArgumentException("missing --" + key);
            return v;
        }

        String str(String key, String def) {
            return options.getOrDefault(key, def);
        }

        int integer(String key, int def) {
            return options.containsKey(key) ? Integer.parseInt(options.get(key)) : def;
        }

        double dbl(String key, double def) {
            return options.containsKey(key) ? Double.parseDouble(options.get(key)) : def;
        }
    }

    /**
     * A free port below the kernel's ephemeral range: a port the kernel hands out itself (bind to 0) can be taken by an
     * outgoing connection before the server it is meant for binds it (a gateway started later, in another process).
     */
    static int freePort() throws IOException {
        int firstEphemeral;
        // Read as a line: Files.readString reads a /proc file by its reported size and gets a fragment of it.
        try (BufferedReader range = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            firstEphemeral = Integer.parseInt(range.readLine().trim().split("\\s+")[0]);
        }
        for (int tries = 0; tries < 1000; tries++) {
            int port = firstEphemeral > 11000 ? 10000 + ThreadLocalRandom.current().nextInt(firstEphemeral - 10000) : 0;
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(port));
                return s.getLocalPort();
            } catch (BindException taken) {
                // in use: another one
            }
        }
        throw new IOException("no free port below " + firstEphemeral);
    }

    /** The p-th percentile (0..100) of nanosecond samples, in milliseconds. */
    static double percentileMs(long[] nanos, double p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        if (sorted.length == 0) return Double.NaN;
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return round(sorted[Math.max(0, Math.min(sorted.length - 1, idx))] / 1e6);
    }

    static double round(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return v;
        double scale = Math.abs(v) >= 100 ? 10 : 1000;
        return Math.round(v * scale) / scale;
    }

    static void fail(String message) {
        System.err.println("bench-tools: " + message);
        System.exit(2);
    }
}
