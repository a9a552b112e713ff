package dev.asyncgateway.runner;

import io.netty.handler.codec.TooLongFrameException;
import dev.asyncgateway.urlpolicy.UrlPolicyViolation;
import io.vertx.core.VertxException;
import jakarta.enterprise.context.ApplicationScoped;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;

/** Names what went wrong with an outbound request, and whether another attempt could help. */
@ApplicationScoped
public class FetchFailures {

    public FetchResult.Failure classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UrlPolicyViolation) {
                return new FetchResult.Failure(UrlPolicyViolation.FAIL_REASON, t.getMessage(), false);
            }
            if (t instanceof CappedBodyCodec.BodyTooLargeException) {
                return new FetchResult.Failure("response_too_large", t.getMessage(), false);
            }
            if (t instanceof TimeoutException || t instanceof io.netty.channel.ConnectTimeoutException
                    || (t instanceof VertxException && String.valueOf(t.getMessage()).toLowerCase().contains("timeout"))) {
                return new FetchResult.Failure("timeout", t.getMessage(), true);
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                return new FetchResult.Failure("connection_refused", t.getMessage(), true);
            }
            if (t instanceof UnknownHostException) {
                return new FetchResult.Failure("dns", t.getMessage(), true);
            }
            if (t instanceof SSLException) {
                return new FetchResult.Failure("tls", t.getMessage(), true);
            }
            if (t instanceof TooLongFrameException) {
                return new FetchResult.Failure("malformed_response", t.getMessage(), true);
            }
            if (t instanceof ClosedChannelException || (t instanceof VertxException
                    && String.valueOf(t.getMessage()).toLowerCase().contains("closed"))) {
                return new FetchResult.Failure("connection_closed", t.getMessage(), true);
            }
        }
        return new FetchResult.Failure("io_error", String.valueOf(failure.getMessage()), true);
    }
}
