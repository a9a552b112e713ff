package dev.asyncgateway.outbound;

import io.smallrye.mutiny.vertx.TypeArg;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.ext.web.codec.spi.BodyStream;

/**
 * Buffers a response body up to a limit. Past the limit the result and the write fail at once, which
 * makes the web client drop the connection: an endless or huge body costs at most the limit in memory.
 * In truncating mode (for logs of a receiver's answer) the body is cut at the limit instead.
 */
public final class CappedBodyCodec implements BodyCodec<Buffer> {

    private final int maxBytes;
    private final boolean truncate;

    public CappedBodyCodec(int maxBytes) {
        this(maxBytes, false);
    }

    private CappedBodyCodec(int maxBytes, boolean truncate) {
        this.maxBytes = maxBytes;
        this.truncate = truncate;
    }

    /** Keeps the first {@code maxBytes} of a body and drops the rest, for the Mutiny web client. */
    public static io.vertx.mutiny.ext.web.codec.BodyCodec<io.vertx.mutiny.core.buffer.Buffer> truncating(int maxBytes) {
        return io.vertx.mutiny.ext.web.codec.BodyCodec.newInstance(new CappedBodyCodec(maxBytes, true), new TypeArg<>(
                core -> io.vertx.mutiny.core.buffer.Buffer.newInstance((Buffer) core),
                io.vertx.mutiny.core.buffer.Buffer::getDelegate));
    }

    /** Raised when a body grows past its limit. */
    static final class BodyTooLargeException extends RuntimeException {
        BodyTooLargeException(int maxBytes) {
            super("response body larger than " + maxBytes + " bytes", null, false, false);
        }
    }

    @Override
    public void create(Handler<AsyncResult<BodyStream<Buffer>>> handler) {
        handler.handle(Future.succeededFuture(new Stream()));
    }

    private final class Stream implements BodyStream<Buffer> {
        private final Buffer body = Buffer.buffer();
        private final Promise<Buffer> result = Promise.promise();

        @Override
        public Future<Buffer> result() {
            return result.future();
        }

        @Override
        public void handle(Throwable failure) {
            result.tryFail(failure);
        }

        @Override
        public io.vertx.core.streams.WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
            return this;
        }

        @Override
        public Future<Void> write(Buffer data) {
            if (body.length() + data.length() <= maxBytes) {
                body.appendBuffer(data);
                return Future.succeededFuture();
            }
            if (truncate) {
                // The rest is read and dropped until the answer ends or the request deadline cuts it off.
                body.appendBuffer(data, 0, maxBytes - body.length());
                return Future.succeededFuture();
            }
            BodyTooLargeException tooLarge = new BodyTooLargeException(maxBytes);
            result.tryFail(tooLarge);
            // A failed write ends the pipe from the response, and the web client then resets the
            // request: without it an endless body would keep the connection busy forever.
            return Future.failedFuture(tooLarge);
        }

        @Override
        public void write(Buffer data, Handler<AsyncResult<Void>> handler) {
            write(data).onComplete(handler);
        }

        @Override
        public Future<Void> end() {
            result.tryComplete(body);
            return Future.succeededFuture();
        }

        @Override
        public void end(Handler<AsyncResult<Void>> handler) {
            end().onComplete(handler);
        }

        @Override
        public io.vertx.core.streams.WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
            return this;
        }

        @Override
        public boolean writeQueueFull() {
            return false;
        }

        @Override
        public io.vertx.core.streams.WriteStream<Buffer> drainHandler(Handler<Void> handler) {
            return this;
        }
    }
}
