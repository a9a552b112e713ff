package dev.asyncgateway.testsupport;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * A real OTLP/HTTP trace receiver on an ephemeral port: it accepts {@code ExportTraceServiceRequest}s (protobuf, as
 * the gateway's exporter sends them) on any path, and keeps every span. The protobuf is read by hand, field numbers
 * from opentelemetry-proto's trace.proto and common.proto: only what the tests look at.
 */
public final class OtlpReceiver {

    public enum Kind { UNSPECIFIED, INTERNAL, SERVER, CLIENT, PRODUCER, CONSUMER }

    public record Event(String name, Map<String, Object> attributes) {
    }

    public record Span(String traceId, String spanId, String parentSpanId, String traceState, String name, Kind kind,
                       long startNanos, long endNanos, Map<String, Object> attributes, List<Event> events, int statusCode) {

        public Object attribute(String key) {
            return attributes.get(key);
        }

        public boolean hasEvent(String name) {
            return events.stream().anyMatch(e -> e.name().equals(name));
        }

        public Event event(String name) {
            return events.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
        }

        /** Status ERROR (code 2 in OTLP). */
        public boolean isError() {
            return statusCode == 2;
        }
    }

    /** Set once the receiver runs: Quarkus loads test classes more than once (test profiles), so it is found by port. */
    private static final String PORT_PROPERTY = "test.otlp-receiver.port";
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final int port;
    /**
     * HTTP/1.1 only: a client that offers an h2c upgrade (the JDK's default) once waited for ever for its dump, which
     * held a test, and CI with it, until it was killed. Every read is bounded too.
     */
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(READ_TIMEOUT).build();

    private OtlpReceiver(int port) {
        this.port = port;
    }

    /**
     * The receiver, started on first use. It keeps the raw requests; every class loader reads them from it over HTTP
     * ({@code GET /dump}: each request body after its length as 4 bytes) and decodes them itself.
     */
    public static synchronized OtlpReceiver shared() {
        String port = System.getProperty(PORT_PROPERTY);
        if (port == null) {
            port = Integer.toString(start());
            System.setProperty(PORT_PROPERTY, port);
        }
        return new OtlpReceiver(Integer.parseInt(port));
    }

    private static int start() {
        List<byte[]> received = new CopyOnWriteArrayList<>();
        try {
            return Vertx.vertx().createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false)).requestHandler(request -> request.body().onSuccess(body -> {
                if (request.method() == HttpMethod.GET) {
                    Buffer dump = Buffer.buffer();
                    received.forEach(bytes -> dump.appendInt(bytes.length).appendBytes(bytes));
                    request.response().end(dump);
                    return;
                }
                try {
                    byte[] bytes = body.getBytes();
                    if ("gzip".equalsIgnoreCase(request.getHeader("Content-Encoding"))) {
                        bytes = new GZIPInputStream(new ByteArrayInputStream(bytes)).readAllBytes();
                    }
                    received.add(bytes);
                    request.response().putHeader("Content-Type", "application/x-protobuf").end(Buffer.buffer());
                } catch (IOException e) {
                    request.response().setStatusCode(400).end(e.toString());
                }
            })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the OTLP receiver", e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** Every span received so far. */
    public List<Span> spans() {
        byte[] dump;
        try {
            dump = client.send(HttpRequest.newBuilder(URI.create(endpoint() + "/dump")).timeout(READ_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        List<Span> spans = new ArrayList<>();
        ByteBuffer requests = ByteBuffer.wrap(dump);
        while (requests.hasRemaining()) {
            byte[] request = new byte[requests.getInt()];
            requests.get(request);
            readRequest(new Reader(request), spans);
        }
        return spans;
    }

    public List<Span> trace(String traceId) {
        return spans().stream().filter(s -> s.traceId().equals(traceId)).toList();
    }

    /** Spans whose attribute {@code key} is {@code value}. */
    public List<Span> withAttribute(String key, Object value) {
        return spans().stream().filter(s -> value.equals(s.attribute(key))).toList();
    }

    /**
     * One trace as a text timeline: each span indented under its parent, its start (ms after the trace's first span)
     * and duration, then the attributes and events that say what happened. What README "Observability" shows.
     */
    public static String timeline(List<Span> trace) {
        long zero = trace.stream().mapToLong(Span::startNanos).min().orElse(0);
        StringBuilder out = new StringBuilder();
        trace.stream().filter(s -> trace.stream().noneMatch(p -> p.spanId().equals(s.parentSpanId())))
                .sorted(java.util.Comparator.comparingLong(Span::startNanos))
                .forEach(root -> timeline(trace, root, 0, zero, out));
        return out.toString();
    }

    private static void timeline(List<Span> trace, Span span, int depth, long zero, StringBuilder out) {
        StringBuilder details = new StringBuilder();
        for (String key : List.of("gateway.attempt", "http.response.status_code", "error.type", "gateway.delivery.verdict",
                "gateway.job.status", "gateway.job.fail_reason")) {
            if (span.attribute(key) != null) {
                String shown = key.equals("error.type") ? key : key.substring(key.lastIndexOf('.') + 1);
                details.append(' ').append(shown).append('=').append(span.attribute(key));
            }
        }
        for (Event event : span.events()) {
            details.append(" [").append(event.name());
            event.attributes().forEach((k, v) -> details.append(' ').append(k.substring(k.lastIndexOf('.') + 1)).append('=').append(v));
            details.append(']');
        }
        out.append(String.format("%8.1f ms %7.1f ms  %s%s %s%s%n", (span.startNanos() - zero) / 1e6,
                (span.endNanos() - span.startNanos()) / 1e6, "  ".repeat(depth), span.kind().name().toLowerCase(),
                span.name(), details));
        trace.stream().filter(s -> s.parentSpanId().equals(span.spanId()))
                .sorted(java.util.Comparator.comparingLong(Span::startNanos))
                .forEach(child -> timeline(trace, child, depth + 1, zero, out));
    }

    private static void readRequest(Reader request, List<Span> spans) {
        while (request.more()) {
            int field = request.field();
            if (field == 1) { // resource_spans
                Reader resourceSpans = request.message();
                while (resourceSpans.more()) {
                    if (resourceSpans.field() == 2) { // scope_spans
                        Reader scopeSpans = resourceSpans.message();
                        while (scopeSpans.more()) {
                            if (scopeSpans.field() == 2) { // spans
                                spans.add(span(scopeSpans.message()));
                            } else {
                                scopeSpans.skip();
                            }
                        }
                    } else {
                        resourceSpans.skip();
                    }
                }
            } else {
                request.skip();
            }
        }
    }

    private static Span span(Reader span) {
        String traceId = null, spanId = null, parent = "", state = "", name = null;
        Kind kind = Kind.UNSPECIFIED;
        long start = 0, end = 0;
        Map<String, Object> attributes = new LinkedHashMap<>();
        List<Event> events = new ArrayList<>();
        int status = 0;
        while (span.more()) {
            switch (span.field()) {
                case 1 -> traceId = HexFormat.of().formatHex(span.bytes());
                case 2 -> spanId = HexFormat.of().formatHex(span.bytes());
                case 3 -> state = span.string();
                case 4 -> parent = HexFormat.of().formatHex(span.bytes());
                case 5 -> name = span.string();
                case 6 -> kind = Kind.values()[(int) span.varint()];
                case 7 -> start = span.fixed64();
                case 8 -> end = span.fixed64();
                case 9 -> keyValue(span.message(), attributes);
                case 11 -> events.add(event(span.message()));
                case 15 -> status = status(span.message());
                default -> span.skip();
            }
        }
        return new Span(traceId, spanId, parent, state, name, kind, start, end, attributes, events, status);
    }

    private static Event event(Reader event) {
        String name = null;
        Map<String, Object> attributes = new LinkedHashMap<>();
        while (event.more()) {
            switch (event.field()) {
                case 2 -> name = event.string();
                case 3 -> keyValue(event.message(), attributes);
                default -> event.skip();
            }
        }
        return new Event(name, attributes);
    }

    private static int status(Reader status) {
        int code = 0;
        while (status.more()) {
            if (status.field() == 3) {
                code = (int) status.varint();
            } else {
                status.skip();
            }
        }
        return code;
    }

    private static void keyValue(Reader keyValue, Map<String, Object> into) {
        String key = null;
        Object value = null;
        while (keyValue.more()) {
            switch (keyValue.field()) {
                case 1 -> key = keyValue.string();
                case 2 -> value = anyValue(keyValue.message());
                default -> keyValue.skip();
            }
        }
        into.put(key, value);
    }

    private static Object anyValue(Reader value) {
        Object result = null;
        while (value.more()) {
            switch (value.field()) {
                case 1 -> result = value.string();
                case 2 -> result = value.varint() != 0;
                case 3 -> result = value.varint();
                case 4 -> result = Double.longBitsToDouble(value.fixed64());
                default -> value.skip();
            }
        }
        return result;
    }

    /** Protobuf wire format: a tag (field number and wire type) before each value. */
    private static final class Reader {
        private final byte[] bytes;
        private int pos;
        private final int end;
        private int wireType;

        Reader(byte[] bytes) {
            this(bytes, 0, bytes.length);
        }

        private Reader(byte[] bytes, int from, int to) {
            this.bytes = bytes;
            this.pos = from;
            this.end = to;
        }

        boolean more() {
            return pos < end;
        }

        int field() {
            long tag = varint();
            wireType = (int) (tag & 7);
            return (int) (tag >>> 3);
        }

        long varint() {
            long value = 0;
            for (int shift = 0; ; shift += 7) {
                byte b = bytes[pos++];
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return value;
                }
            }
        }

        long fixed64() {
            long value = 0;
            for (int i = 0; i < 8; i++) {
                value |= (bytes[pos++] & 0xffL) << (8 * i);
            }
            return value;
        }

        byte[] bytes() {
            int length = (int) varint();
            byte[] out = new byte[length];
            System.arraycopy(bytes, pos, out, 0, length);
            pos += length;
            return out;
        }

        String string() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        Reader message() {
            int length = (int) varint();
            Reader inner = new Reader(bytes, pos, pos + length);
            pos += length;
            return inner;
        }

        void skip() {
            switch (wireType) {
                case 0 -> varint();
                case 1 -> pos += 8;
                case 2 -> {
                    int length = (int) varint(); // read before pos: "pos += varint()" would add to the old pos
                    pos += length;
                }
                case 5 -> pos += 4;
                default -> throw new IllegalStateException("wire type " + wireType);
            }
        }
    }
}
