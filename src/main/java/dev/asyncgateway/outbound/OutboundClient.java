package dev.asyncgateway.outbound;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ProxyOptions;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP client of one kind of outbound request (target fetches, webhook deliveries). Each exchange goes to the
 * address the URL policy checked for its use (see {@link SafeAddressResolver}), keeps at most a bounded body, and is bounded as a whole by an absolute deadline,
 * from the moment it has a connection to the last byte of the body. The idle timeout alone would let a peer that
 * trickles bytes (slow headers, slow or endless body) hold a connection, and a pool slot, for as long as it likes.
 * At the deadline, and on any failure while the answer arrives, the request is reset, which closes its HTTP/1.1
 * connection. Only Vert.x core's public API is used: its {@link HttpClientRequest} is what can be reset.
 */
public final class OutboundClient {

    private final Vertx vertx;
    private final SafeAddressResolver resolver;
    private final OutboundUrlPolicy.Use use;
    private final HttpClient client;
    private final long deadlineMs;
    private final long connectTimeoutMs;
    private final CappedBody.Limit bodyLimit;

    private OutboundClient(Vertx vertx, SafeAddressResolver resolver, OutboundUrlPolicy.Use use, HttpClient client,
                           long deadlineMs, long connectTimeoutMs, CappedBody.Limit bodyLimit) {
        this.vertx = vertx;
        this.resolver = resolver;
        this.use = use;
        this.client = client;
        this.deadlineMs = deadlineMs;
        this.connectTimeoutMs = connectTimeoutMs;
        this.bodyLimit = bodyLimit;
    }

    /**
     * @param use            what the URLs it is given are for, as the URL policy checks them
     * @param deadline       the longest an exchange may take once it has a connection; also its idle timeout
     * @param connectTimeout null, or the longest a request may wait for a connection, from the pool or a new one
     *                       (else the client's connect timeout bounds a new connection only)
     * @param bodyLimit      how much of an answer's body to keep
     */
    public static OutboundClient create(io.vertx.mutiny.core.Vertx vertx, SafeAddressResolver resolver,
                                        OutboundUrlPolicy.Use use, HttpClientOptions options, Duration deadline,
                                        Duration connectTimeout, CappedBody.Limit bodyLimit) {
        Vertx core = vertx.getDelegate();
        return new OutboundClient(core, resolver, use, core.createHttpClient(options), Math.max(1, deadline.toMillis()),
                connectTimeout == null ? RequestOptions.DEFAULT_CONNECT_TIMEOUT : connectTimeout.toMillis(), bodyLimit);
    }

    /**
     * Sends one request to {@code url}, at the address the URL policy checked: the answer, or the failure that
     * prevented one ({@link UrlPolicyViolation} when the policy refused the URL).
     *
     * @param body null for none
     */
    public Uni<FetchResult.Answer> send(String url, HttpMethod method, Map<String, String> headers, Buffer body) {
        return resolver.resolve(url, use).chain(address -> send(address, method, headers, body));
    }

    /**
     * Sends one request to an address already checked: the answer, or the failure that prevented one.
     *
     * @param body null for none
     */
    public Uni<FetchResult.Answer> send(CheckedAddress address, HttpMethod method, Map<String, String> headers, Buffer body) {
        return exchange(address.requestOptions(method), address.url().url(), headers, body);
    }

    /**
     * Sends one request through a forward proxy, which resolves the host name and connects: the URL policy can judge
     * only the URL as written (scheme, port, an address literal, localhost), which the caller has done.
     *
     * @param body null for none
     */
    public Uni<FetchResult.Answer> sendThrough(ProxyOptions proxy, OutboundUrl url, HttpMethod method,
                                               Map<String, String> headers, Buffer body) {
        RequestOptions options = new RequestOptions().setMethod(method).setHost(url.host()).setPort(url.port())
                .setSsl(url.ssl()).setURI(url.pathAndQuery()).setProxyOptions(proxy);
        return exchange(options, url.url(), headers, body);
    }

    private Uni<FetchResult.Answer> exchange(RequestOptions request, String url, Map<String, String> headers, Buffer body) {
        RequestOptions options = request.setIdleTimeout(deadlineMs).setConnectTimeout(connectTimeoutMs);
        return Uni.createFrom().emitter(emitter -> {
            Exchange exchange = new Exchange(emitter, url);
            Context context = vertx.getOrCreateContext();
            if (context == Vertx.currentContext()) {
                exchange.start(options, headers, body);
            } else {
                // Off Vert.x threads: the exchange runs on one event loop, the client's callbacks and the timer alike.
                context.runOnContext(ignored -> exchange.start(options, headers, body));
            }
        });
    }

    public void close() {
        client.close();
    }

    /** One request and its answer. All its callbacks run on the context that started it, so its state needs no lock. */
    private final class Exchange {
        private final UniEmitter<? super FetchResult.Answer> emitter;
        private final String url;
        private HttpClientRequest request;
        private long timer = -1;
        private boolean ended;

        Exchange(UniEmitter<? super FetchResult.Answer> emitter, String url) {
            this.emitter = emitter;
            this.url = url;
        }

        void start(RequestOptions options, Map<String, String> headers, Buffer body) {
            client.request(options).onComplete(created -> {
                if (created.failed()) {
                    fail(created.cause());
                    return;
                }
                request = created.result();
                timer = vertx.setTimer(deadlineMs, id -> {
                    timer = -1;
                    fail(new TimeoutException("no complete answer within " + deadlineMs + " ms"));
                });
                headers.forEach(request::putHeader);
                (body == null ? request.send() : request.send(body)).onComplete(this::receive);
            });
        }

        private void receive(AsyncResult<HttpClientResponse> answered) {
            if (answered.failed()) {
                fail(answered.cause());
                return;
            }
            HttpClientResponse response = answered.result();
            CappedBody answer = new CappedBody(bodyLimit);
            response.exceptionHandler(this::fail);
            response.handler(data -> {
                if (!ended && !answer.append(data)) {
                    // Dropping the connection is what stops an endless body: the rest is never read.
                    fail(answer.tooLarge());
                }
            });
            response.endHandler(end -> {
                if (!ended) {
                    ended = true;
                    cancelTimer();
                    emitter.complete(FetchResult.answer(response.statusCode(), response.headers(), answer.bytes(), url));
                }
            });
        }

        private void fail(Throwable failure) {
            if (ended) {
                return;
            }
            ended = true;
            cancelTimer();
            if (request != null) {
                request.reset();
            }
            emitter.fail(failure);
        }

        private void cancelTimer() {
            if (timer != -1) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }
    }
}
