package dev.asyncgateway.testsupport;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.Deflater;

/**
 * A peer that misbehaves on purpose, written at the TCP level so it can break HTTP in ways a proper
 * server never would. The path of the request picks the misbehaviour (see {@link Behaviour}); the
 * server counts open connections per behaviour, so a test can show the gateway let go of each one.
 * A second port speaks TLS with a self-signed certificate (made with the JDK's keytool), which no
 * client should trust. A request is answered once it has fully arrived (head and declared body), so a
 * callback's body never lingers unread when the answer closes the connection (that would turn the close
 * into a reset that can destroy the answer).
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
        /**
         * Answers 200 with {@code Content-Encoding: gzip} whose body inflates to 2 GiB of zeros, about 2 MB on
         * the wire, streamed as the client reads (well-formed to its last byte).
         */
        GZIP_BOMB,
        /** Answers 302 with a {@code Location} back to itself. */
        REDIRECT_LOOP,
        /** Answers 200 properly (used behind the untrusted certificate). */
        OK;

        String path() {
            return "/" + name().toLowerCase().replace('_', '-');
        }
    }

    private static final byte[] CHUNK = ("4000\r\n" + "x".repeat(0x4000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^content-length:[ \t]*(\\d+)");

    private final Vertx vertx = Vertx.vertx();
    private final Map<Behaviour, AtomicInteger> open = new ConcurrentHashMap<>();
    private final Map<Behaviour, AtomicInteger> seen = new ConcurrentHashMap<>();
    private final Map<String, byte[]> rawAnswers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requestsByTarget = new ConcurrentHashMap<>();
    private final AtomicInteger rawPaths = new AtomicInteger();
    private final int resettingPort;
    private final int tlsPort;
    private final int port;

    public HostileServer() {
        try {
            // SO_LINGER 0 turns every close into a TCP reset, which is what RESET needs.
            resettingPort = listen(new NetServerOptions().setSoLinger(0));
            tlsPort = listen(new NetServerOptions().setSsl(true).setKeyCertOptions(SelfSignedTls.keyCertFor("dns:localhost")));
            // Every other answer closes gracefully: a reset could discard the answer before the client has read it.
            port = listen(new NetServerOptions());
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the hostile server", e);
        }
    }

    public String url(Behaviour behaviour) {
        return "http://127.0.0.1:" + (behaviour == Behaviour.RESET ? resettingPort : port) + behaviour.path();
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
        return "http://127.0.0.1:" + port + path;
    }

    public String rawAnswerUrl(String answer) {
        return rawAnswerUrl(answer.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Requests received so far at a URL made by {@link #rawAnswerUrl}. */
    public int rawRequests(String url) {
        return requests(url);
    }

    /**
     * Requests received so far for exactly this URL, query included: a test that adds a query of its own to a
     * URL of this server (the server ignores it) counts its requests apart from other tests' requests.
     */
    public int requests(String url) {
        String target = url.substring(url.indexOf('/', url.indexOf("//") + 2));
        AtomicInteger count = requestsByTarget.get(target);
        return count == null ? 0 : count.get();
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
            if (isComplete(text) && answered.compareAndSet(false, true)) {
                String target = requestTargetOf(text);
                requestsByTarget.computeIfAbsent(target, t -> new AtomicInteger()).incrementAndGet();
                String path = target.split("\\?", 2)[0];
                if (rawAnswers.containsKey(path)) {
                    socket.end(Buffer.buffer(rawAnswers.get(path)));
                } else {
                    behave(socket, behaviourOf(path));
                }
            }
        });
    }

    /** Whether the head and the body its Content-Length declares have arrived. */
    private static boolean isComplete(String request) {
        int headEnd = request.indexOf("\r\n\r\n");
        if (headEnd < 0) {
            return false;
        }
        Matcher length = CONTENT_LENGTH.matcher(request.substring(0, headEnd));
        return !length.find() || request.length() >= headEnd + 4 + Long.parseLong(length.group(1));
    }

    private static String requestTargetOf(String head) {
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
                pour(socket, closed, Stream.generate(() -> Buffer.buffer(CHUNK)).iterator());
            }
            case GZIP_BOMB -> {
                socket.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\n"
                        + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
                pour(socket, closed, GzipBomb.chunks());
            }
            case REDIRECT_LOOP -> socket.end(Buffer.buffer("HTTP/1.1 302 Found\r\nLocation: " + behaviour.path()
                    + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
            case RESET -> socket.close();
            case HUGE_HEADERS -> socket.write("HTTP/1.1 200 OK\r\nX-Huge: " + "h".repeat(65536)
                    + "\r\nContent-Length: 2\r\n\r\nok");
            case OK -> socket.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok");
        }
    }

    /**
     * Writes the chunks while the client keeps reading, so a body may be endless (or inflate to gigabytes) while
     * memory stays flat; closes the connection after the last one.
     */
    private void pour(NetSocket socket, AtomicBoolean closed, Iterator<Buffer> chunks) {
        for (int i = 0; i < 64 && !closed.get() && !socket.writeQueueFull() && chunks.hasNext(); i++) {
            socket.write(chunks.next());
        }
        if (closed.get()) {
            return;
        }
        if (!chunks.hasNext()) {
            socket.end();
        } else if (socket.writeQueueFull()) {
            socket.drainHandler(ignored -> pour(socket, closed, chunks));
        } else {
            vertx.setTimer(10, id -> pour(socket, closed, chunks));
        }
    }

    /**
     * A gzip member of 2 GiB of zeros, built from one deflate segment repeated: each segment is 1 MiB of zeros
     * compressed from a fresh state and ended by a full flush, so it refers to nothing before it and any number of
     * copies in a row is a valid deflate stream. Sent as HTTP chunks of {@value #SEGMENTS_PER_CHUNK} segments (about
     * 64 kB each); nothing larger is ever held in memory.
     */
    private static final class GzipBomb {
        private static final int MIB = 1 << 20;
        private static final int SEGMENTS = 2048;
        private static final int SEGMENTS_PER_CHUNK = 64;
        private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
        /** {@code java.util.zip.CRC32} over 2 GiB of zeros, computed once: a second of CPU the server need not spend. */
        private static final int CRC32_OF_ALL_ZEROS = 0x4dbdf21c;
        private static final byte[] SEGMENT = deflate(new byte[MIB], false);
        private static final Buffer SEGMENT_CHUNK = httpChunk(SEGMENT, SEGMENTS_PER_CHUNK);
        private static final Buffer ENDING_CHUNK = httpChunk(ending(), 1);

        private GzipBomb() {
        }

        static Iterator<Buffer> chunks() {
            return Stream.of(Stream.of(httpChunk(HEADER, 1)),
                    // A copy per write: a written buffer is the socket's to release.
                    Stream.generate(SEGMENT_CHUNK::copy).limit(SEGMENTS / SEGMENTS_PER_CHUNK),
                    Stream.of(ENDING_CHUNK.copy(), Buffer.buffer("0\r\n\r\n"))).flatMap(chunk -> chunk).iterator();
        }

        /** The last (empty) deflate block, then the CRC-32 and the length (mod 2^32) of what it all inflates to. */
        private static byte[] ending() {
            byte[] lastBlock = deflate(new byte[0], true);
            return ByteBuffer.allocate(lastBlock.length + 8).order(ByteOrder.LITTLE_ENDIAN).put(lastBlock)
                    .putInt(CRC32_OF_ALL_ZEROS).putInt((int) ((long) SEGMENTS * MIB)).array();
        }

        /** Raw deflate from a fresh state: ended by a full flush, or the final block when {@code last}. */
        private static byte[] deflate(byte[] input, boolean last) {
            Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
            try {
                deflater.setInput(input);
                if (last) {
                    deflater.finish();
                }
                byte[] out = new byte[64 * 1024];
                int length = deflater.deflate(out, 0, out.length, last ? Deflater.NO_FLUSH : Deflater.FULL_FLUSH);
                if (length == out.length || (last ? !deflater.finished() : !deflater.needsInput())) {
                    throw new IllegalStateException("a deflated segment should fit in " + out.length + " bytes");
                }
                return Arrays.copyOf(out, length);
            } finally {
                deflater.end();
            }
        }

        private static Buffer httpChunk(byte[] data, int copies) {
            Buffer chunk = Buffer.buffer(Integer.toHexString(data.length * copies) + "\r\n");
            for (int i = 0; i < copies; i++) {
                chunk.appendBytes(data);
            }
            return chunk.appendString("\r\n");
        }
    }

    @Override
    public void close() {
        vertx.close();
    }
}
