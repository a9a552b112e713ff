package dev.asyncgateway.runner;

import dev.asyncgateway.testsupport.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;

/**
 * Targets answering {@code Content-Encoding: gzip} bodies that inflate to far more than any heap: the body cap
 * applies to the inflated bytes, so each job ends {@code response_too_large} after the gateway has read a sliver
 * of the compressed stream, and it drops the connection instead of inflating the rest.
 */
@QuarkusTest
class DecompressionBombTest {

    /** What one bomb inflates to. */
    private static final long INFLATED_BYTES = 64L << 30;
    /** About what one bomb weighs compressed: deflate turns a run of zeros into about a thousandth of it. */
    private static final long COMPRESSED_BYTES = INFLATED_BYTES / 1032;
    private static final int BOMBS = 4;

    private static final Vertx VERTX = Vertx.vertx();
    private static final Map<String, Bomb> SERVED = new ConcurrentHashMap<>();
    private static HttpServer server;

    @BeforeAll
    static void startBombServer() throws Exception {
        server = VERTX.createHttpServer().requestHandler(request -> {
            Bomb bomb = new Bomb();
            SERVED.put(request.path(), bomb);
            HttpServerResponse response = request.response().setChunked(true)
                    .putHeader("Content-Type", "text/html").putHeader("Content-Encoding", "gzip");
            response.closeHandler(closed -> bomb.closed.set(true));
            bomb.sendOn(response);
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopBombServer() {
        VERTX.close();
    }

    @Test
    void gzipBombsEndAsResponseTooLargeWithoutBeingInflated() {
        String apiKey = Api.newAccount();
        List<String> paths = IntStream.range(0, BOMBS).mapToObj(i -> "/bomb/" + i + "/" + System.nanoTime()).toList();
        List<String> ids = paths.stream().map(path -> Api.submitJob(Map.of("apiKey", apiKey,
                "url", "http://127.0.0.1:" + server.actualPort() + path, "timeoutSec", 60))).toList();

        await("the bombs' jobs to end").atMost(Duration.ofSeconds(30))
                .until(() -> ids.stream().noneMatch(id -> Api.status(id).equals("running")));

        for (String id : ids) {
            Api.job(id).body("status", equalTo("failed")).body("failReason", equalTo("response_too_large"))
                    .body("attempts", equalTo(1));
        }
        for (String path : paths) {
            Bomb bomb = SERVED.get(path);
            await("the gateway to drop the connection of " + path).atMost(Duration.ofSeconds(10)).until(bomb.closed::get);
            assertThat("compressed bytes of " + path + " sent before the gateway let go",
                    bomb.compressedSent.get(), lessThan(COMPRESSED_BYTES / 16));
        }
    }

    /**
     * A gzip stream of {@link #INFLATED_BYTES} zeros, deflated a mebibyte at a time while it is sent, so the test
     * holds no more than that. The next piece goes out when the previous one was written, and none after the
     * connection closed.
     */
    private static final class Bomb {
        private static final byte[] ZEROS = new byte[1 << 20];

        final AtomicBoolean closed = new AtomicBoolean();
        final AtomicLong compressedSent = new AtomicLong();
        private final ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        private final GZIPOutputStream gzip;
        private long inflated;

        Bomb() {
            try {
                gzip = new GZIPOutputStream(compressed, 64 * 1024);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void sendOn(HttpServerResponse response) {
            if (closed.get()) {
                return;
            }
            if (inflated >= INFLATED_BYTES) {
                response.end();
                return;
            }
            Buffer piece = next();
            compressedSent.addAndGet(piece.length());
            response.write(piece).onSuccess(written -> sendOn(response));
        }

        private Buffer next() {
            try {
                while (compressed.size() == 0 && inflated < INFLATED_BYTES) {
                    gzip.write(ZEROS);
                    inflated += ZEROS.length;
                    if (inflated >= INFLATED_BYTES) {
                        gzip.finish();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Buffer piece = Buffer.buffer(compressed.toByteArray());
            compressed.reset();
            return piece;
        }
    }
}
