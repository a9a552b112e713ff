package dev.asyncgateway.outbound;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.ext.web.client.impl.ClientPhase;
import io.vertx.ext.web.client.impl.HttpContext;
import io.vertx.ext.web.client.impl.WebClientInternal;
import io.vertx.mutiny.ext.web.client.WebClient;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Gives every request of a web client an absolute deadline, and resets a request that failed while
 * its answer was arriving. The client's own timeouts are idle timeouts, and it forgets the request
 * once the answer starts, so without this a peer that trickles bytes (slow headers, slow or endless
 * body) would hold a connection, and a pool slot, for as long as it likes.
 */
public final class RequestDeadline implements Handler<HttpContext<?>> {

    private static final String REQUEST = RequestDeadline.class.getName() + ".request";
    private static final String TIMER = RequestDeadline.class.getName() + ".timer";

    private final Vertx vertx;
    private final long deadlineMs;

    private RequestDeadline(Vertx vertx, Duration deadline) {
        this.vertx = vertx;
        this.deadlineMs = Math.max(1, deadline.toMillis());
    }

    /** Installs the deadline on {@code client}; every request sent by it from now on is bounded. */
    public static void install(WebClient client, io.vertx.mutiny.core.Vertx vertx, Duration deadline) {
        // The interceptor hook is the web client's own extension point (its session client uses it too).
        ((WebClientInternal) client.getDelegate()).addInterceptor(new RequestDeadline(vertx.getDelegate(), deadline));
    }

    @Override
    public void handle(HttpContext<?> context) {
        ClientPhase phase = context.phase();
        if (phase == ClientPhase.SEND_REQUEST) {
            context.set(REQUEST, context.clientRequest());
            context.set(TIMER, vertx.setTimer(deadlineMs, id -> {
                context.fail(new TimeoutException("no complete answer within " + deadlineMs + " ms"));
                reset(context);
            }));
        } else if (phase == ClientPhase.DISPATCH_RESPONSE || phase == ClientPhase.FAILURE) {
            Long timer = context.get(TIMER);
            if (timer != null) {
                vertx.cancelTimer(timer);
            }
            if (phase == ClientPhase.FAILURE) {
                reset(context);
            }
        }
        context.next();
    }

    /** Resetting an HTTP/1.1 request whose answer is still arriving closes its connection. */
    private static void reset(HttpContext<?> context) {
        HttpClientRequest request = context.get(REQUEST);
        if (request != null) {
            request.reset();
        }
    }
}
