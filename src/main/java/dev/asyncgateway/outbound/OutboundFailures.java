package dev.asyncgateway.outbound;

import dev.asyncgateway.common.PeerText;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.VertxException;
import jakarta.enterprise.context.ApplicationScoped;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;

/**
 * Names what went wrong with an outbound request, and whether another attempt could help. The message often quotes
 * what the peer sent (a status line, a header name), so it is cleaned and bounded here, once, for every use after
 * (stored errors, attempt logs, log lines).
 */
@ApplicationScoped
public class OutboundFailures {

    public FetchResult.Failure classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UrlPolicyViolation) {
                return failure(UrlPolicyViolation.FAIL_REASON, t, false);
            }
            if (t instanceof CappedBody.BodyTooLargeException) {
                return failure("response_too_large", t, false);
            }
            if (t instanceof TimeoutException || t instanceof io.netty.channel.ConnectTimeoutException
                    || (t instanceof VertxException && String.valueOf(t.getMessage()).toLowerCase().contains("timeout"))) {
                return failure("timeout", t, true);
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                return failure("connection_refused", t, true);
            }
            if (t instanceof UnknownHostException) {
                return failure("dns", t, true);
            }
            if (t instanceof SSLException) {
                return failure("tls", t, true);
            }
            // The HTTP decoder's verdict on an answer it cannot read: a status that is no number, a version that is
            // no HTTP version, a control character in a header name or value; or a Location that is no URI.
            if (t instanceof TooLongFrameException || t instanceof IllegalArgumentException) {
                return failure("malformed_response", t, true);
            }
            if (t instanceof ClosedChannelException || (t instanceof VertxException
                    && String.valueOf(t.getMessage()).toLowerCase().contains("closed"))) {
                return failure("connection_closed", t, true);
            }
        }
        return failure("io_error", failure, true);
    }

    private static FetchResult.Failure failure(String kind, Throwable cause, boolean retryable) {
        return new FetchResult.Failure(kind, PeerText.line(String.valueOf(cause.getMessage()), PeerText.ERROR_MAX_BYTES), retryable);
    }
}
