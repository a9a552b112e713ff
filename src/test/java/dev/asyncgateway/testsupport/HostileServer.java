package dev.asyncgateway.testsupport;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PfxOptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A peer that misbehaves on purpose, written at the TCP level so it can break HTTP in ways a proper
 * server never would. The path of the request picks the misbehaviour (see {@link Behaviour}); the
 * server counts open connections per behaviour, so a test can show the gateway let go of each one.
 * A second port speaks TLS with a self-signed certificate (made with the JDK's keytool), which no
 * client should trust.
 */
public final class HostileServer implements AutoCloseable {

    /** What the server does once it has read a request for {@code /<name>}. */
    public enum Behaviour {
        /** Reads the request and never answers. */
        SILENT,
        /** Sends the status line, then one header line every 100 ms, never finishing the head. */
        SLOW_HEADERS,
        /** Announces a 100 kB body and sends one byte of it every 100 ms. */
        TRICKLE,
        /** Sends a chunked body that never ends, as fast as the client reads. */
        ENDLESS,
        /** Drops the connection with a TCP reset instead of answering. */
        RESET,
        /** Answers with a 64 kB header. */
        HUGE_HEADERS,
        /** Answers 200 properly (used behind the untrusted certificate). */
        OK;

        String path() {
            return "/" + name().toLowerCase().replace('_', '-');
        }
    }

    private static final byte[] CHUNK = ("4000\r\n" + "x".repeat(0x4000) + "\r\n").getBytes(StandardCharsets.US_ASCII);

    private final Vertx vertx = Vertx.vertx();
    private final Map<Behaviour, AtomicInteger> open = new ConcurrentHashMap<>();
    private final Map<Behaviour, AtomicInteger> seen = new ConcurrentHashMap<>();
    private final Map<String, byte[]> rawAnswers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> rawRequests = new ConcurrentHashMap<>();
    private final AtomicInteger rawPaths = new AtomicInteger();
    private final int port;
    private final int tlsPort;
    private final int rawPort;

    public HostileServer() {
        try {
            // SO_LINGER 0 turns every close into a TCP reset, which is what RESET needs and harms no other behaviour.
            port = listen(new NetServerOptions().setSoLinger(0));
            tlsPort = listen(new NetServerOptions().setSsl(true).setKeyCertOptions(selfSignedKeyStore()));
            // Raw answers close gracefully: a reset could discard the answer before the client has read it.
            rawPort = listen(new NetServerOptions());
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the hostile server", e);
        }
    }

    public String url(Behaviour behaviour) {
        return "http://127.0.0.1:" + port + behaviour.path();
    }

    /** An HTTPS URL whose server presents a self-signed certificate. */
    public String untrustedTlsUrl() {
        return "https://127.0.0.1:" + tlsPort + Behaviour.OK.path();
    }

    /**
     * A URL whose every request is answered with exactly these bytes (status line, headers and body, however broken),
     * after which the connection is closed: for answers no HTTP library would send.
     */
    public String rawAnswerUrl(byte[] answer) {
        String path = "/raw/" + rawPaths.incrementAndGet();
        rawAnswers.put(path, answer);
        rawRequests.put(path, new AtomicInteger());
        return "http://127.0.0.1:" + rawPort + path;
    }

    public String rawAnswerUrl(String answer) {
        return rawAnswerUrl(answer.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Requests received so far at a URL made by {@link #rawAnswerUrl}. */
    public int rawRequests(String url) {
        return rawRequests.get(url.substring(url.indexOf("/raw/"))).get();
    }

    /** Connections of this behaviour the peer on the other side has not closed yet. */
    public int openConnections(Behaviour behaviour) {
        return open.computeIfAbsent(behaviour, b -> new AtomicInteger()).get();
    }

    /** Requests of this behaviour received so far. */
    public int requests(Behaviour behaviour) {
        return seen.computeIfAbsent(behaviour, b -> new AtomicInteger()).get();
    }

    private int listen(NetServerOptions options) throws Exception {
        NetServer server = vertx.createNetServer(options).connectHandler(this::serve);
        return server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    }

    private void serve(NetSocket socket) {
        Buffer head = Buffer.buffer();
        AtomicBoolean answered = new AtomicBoolean();
        socket.handler(data -> {
            if (answered.get()) {
                return;
            }
            head.appendBuffer(data);
            String text = head.toString(StandardCharsets.ISO_8859_1);
            if (text.contains("\r\n\r\n") && answered.compareAndSet(false, true)) {
                String path = pathOf(text);
                if (rawAnswers.containsKey(path)) {
                    rawRequests.get(path).incrementAndGet();
                    socket.end(Buffer.buffer(rawAnswers.get(path)));
                } else {
                    behave(socket, behaviourOf(path));
                }
            }
        });
    }

    private static String pathOf(String head) {
        return head.substring(0, head.indexOf("\r\n")).split(" ")[1];
    }

    private static Behaviour behaviourOf(String path) {
        for (Behaviour behaviour : Behaviour.values()) {
            if (behaviour.path().equals(path)) {
                return behaviour;
            }
        }
        return Behaviour.OK;
    }

    private void behave(NetSocket socket, Behaviour behaviour) {
        seen.computeIfAbsent(behaviour, b -> new AtomicInteger()).incrementAndGet();
        AtomicInteger openOfBehaviour = open.computeIfAbsent(behaviour, b -> new AtomicInteger());
        openOfBehaviour.incrementAndGet();
        long[] timer = {-1};
        AtomicBoolean closed = new AtomicBoolean();
        socket.closeHandler(ignored -> {
            closed.set(true);
            openOfBehaviour.decrementAndGet();
            vertx.cancelTimer(timer[0]);
        });
        switch (behaviour) {
            case SILENT -> { }
            case SLOW_HEADERS -> {
                socket.write("HTTP/1.1 200 OK\r\n");
                timer[0] = vertx.setPeriodic(100, id -> socket.write("X-Slow: 1\r\n"));
            }
            case TRICKLE -> {
                socket.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n");
                timer[0] = vertx.setPeriodic(100, id -> socket.write("x"));
            }
            case ENDLESS -> {
                socket.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n");
                pour(socket, closed);
            }
            case RESET -> socket.close();
            case HUGE_HEADERS -> socket.write("HTTP/1.1 200 OK\r\nX-Huge: " + "h".repeat(65536)
                    + "\r\nContent-Length: 2\r\n\r\nok");
            case OK -> socket.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok");
        }
    }

    /** Writes chunks while the client keeps reading, so the body is endless but memory stays flat. */
    private void pour(NetSocket socket, AtomicBoolean closed) {
        for (int i = 0; i < 64 && !closed.get() && !socket.writeQueueFull(); i++) {
            socket.write(Buffer.buffer(CHUNK));
        }
        if (closed.get()) {
            return;
        }
        if (socket.writeQueueFull()) {
            socket.drainHandler(ignored -> pour(socket, closed));
        } else {
            vertx.setTimer(10, id -> pour(socket, closed));
        }
    }

    private static PfxOptions selfSignedKeyStore() throws IOException, InterruptedException {
        Path store = Files.createTempFile("hostile-server", ".p12");
        Files.delete(store);
        store.toFile().deleteOnExit();
        Process keytool = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "hostile", "-keyalg", "RSA", "-keysize", "2048", "-validity", "1",
                "-dname", "CN=localhost", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "changeit", "-keypass", "changeit"))
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (keytool.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        return new PfxOptions().setPath(store.toString()).setPassword("changeit");
    }

    @Override
    public void close() {
        vertx.close();
    }
}
