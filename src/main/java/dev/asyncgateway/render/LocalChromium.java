package dev.asyncgateway.render;

import dev.asyncgateway.config.RenderConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.jboss.logging.Logger;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A Chromium the gateway started: headless, its DevTools endpoint on a port of the kernel's choosing (read from the
 * {@code DevToolsActivePort} file of its throw-away profile, polled without blocking), its output discarded. Starting
 * the process and removing its profile are blocking calls and run on a worker thread.
 */
final class LocalChromium {

    private static final Logger LOG = Logger.getLogger(LocalChromium.class);
    private static final long POLL_MILLIS = 50;

    private final Process process;
    private final Path profile;
    private final String webSocketUrl;

    private LocalChromium(Process process, Path profile, String webSocketUrl) {
        this.process = process;
        this.profile = profile;
        this.webSocketUrl = webSocketUrl;
    }

    String webSocketUrl() {
        return webSocketUrl;
    }

    /** Runs {@code handler} once the process has ended, whatever ended it. */
    void onExit(Runnable handler) {
        process.onExit().thenRun(handler);
    }

    /** Starts Chromium with {@code proxyServer} (the egress proxy) as its only way to the network. */
    static Future<LocalChromium> start(Vertx vertx, String executable, RenderConfig settings, String proxyServer) {
        return vertx.<Started>executeBlocking(() -> {
            Path profile = Files.createTempDirectory("gateway-chromium-");
            ProcessBuilder builder = new ProcessBuilder(arguments(executable, profile, settings, proxyServer))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            return new Started(builder.start(), profile);
        }, false).compose(started -> {
            Promise<LocalChromium> ready = Promise.promise();
            long deadline = System.nanoTime() + settings.startTimeout().toNanos();
            awaitPort(vertx, started, deadline, ready);
            return ready.future().onFailure(ignored -> stop(vertx, started.process(), started.profile()));
        });
    }

    /** Kills the browser and removes its profile. */
    void stop(Vertx vertx) {
        stop(vertx, process, profile);
    }

    private static void stop(Vertx vertx, Process process, Path profile) {
        process.destroyForcibly();
        process.onExit().thenRun(() -> vertx.executeBlocking(() -> {
            delete(profile);
            return null;
        }, false));
    }

    private record Started(Process process, Path profile) {
    }

    private static void awaitPort(Vertx vertx, Started started, long deadline, Promise<LocalChromium> ready) {
        String file = started.profile().resolve("DevToolsActivePort").toString();
        vertx.fileSystem().readFile(file).onComplete(read -> {
            if (read.succeeded()) {
                String[] lines = read.result().toString(StandardCharsets.UTF_8).split("\n");
                if (lines.length >= 2 && lines[0].trim().matches("\\d{1,5}") && lines[1].trim().startsWith("/devtools/browser/")) {
                    ready.complete(new LocalChromium(started.process(), started.profile(),
                            "ws://127.0.0.1:" + lines[0].trim() + lines[1].trim()));
                    return;
                }
            }
            if (!started.process().isAlive()) {
                ready.fail(RenderFailure.browserGone("Chromium exited at start with status " + started.process().exitValue()));
            } else if (System.nanoTime() > deadline) {
                ready.fail(RenderFailure.browserGone("Chromium did not open its DevTools port in time"));
            } else {
                vertx.setTimer(POLL_MILLIS, id -> awaitPort(vertx, started, deadline, ready));
            }
        });
    }

    private static List<String> arguments(String executable, Path profile, RenderConfig settings, String proxyServer) {
        List<String> args = new ArrayList<>(List.of(executable,
                "--headless",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--user-data-dir=" + profile,
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-default-apps",
                "--disable-breakpad",
                "--disable-features=Translate,MediaRouter,OptimizationHints,DialMediaRouteProvider,AcceptCHFrame",
                "--metrics-recording-only",
                "--mute-audio",
                "--hide-scrollbars",
                // Nothing outside a render's context (the default context, service workers) goes direct either;
                // without a render's token the egress proxy answers 407 and forwards nothing.
                "--proxy-server=" + proxyServer,
                "--proxy-bypass-list=<-loopback>",
                // WebRTC could reach addresses outside the URL policy: only proxied UDP, and no proxy carries UDP.
                "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
                "--webrtc-ip-handling-policy=disable_non_proxied_udp",
                "--js-flags=--max-old-space-size=" + settings.pageHeapMb()));
        if ("root".equals(System.getProperty("user.name"))) {
            // Chromium's sandbox refuses to run as root; containers run the gateway as a normal user (see Dockerfile).
            args.add("--no-sandbox");
        }
        args.add("about:blank");
        return args;
    }

    private static void delete(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            LOG.debugf("cannot remove the Chromium profile %s: %s", directory, e.toString());
        }
    }
}
