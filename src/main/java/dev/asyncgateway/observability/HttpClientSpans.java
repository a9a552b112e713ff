package dev.asyncgateway.observability;

import dev.asyncgateway.common.CredentialMask;
import dev.asyncgateway.outbound.FetchResult;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import io.opentelemetry.semconv.UrlAttributes;

import java.net.URI;
import java.util.Map;

/**
 * HTTP client spans as the OpenTelemetry semantic conventions describe them (name {@code {method}}, kind client,
 * {@code http.request.method}, {@code url.full}, {@code server.address}/{@code server.port},
 * {@code http.response.status_code}, {@code error.type}, {@code http.request.resend_count}), plus the attempt number.
 * A URL is recorded with any password masked, as the logs show it.
 */
final class HttpClientSpans {

    private HttpClientSpans() {
    }

    static Span start(Tracer tracer, Context parent, String method, String url, int attempt) {
        Span span = tracer.spanBuilder(method)
                .setParent(parent)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(HttpAttributes.HTTP_REQUEST_METHOD, method)
                .setAttribute(UrlAttributes.URL_FULL, CredentialMask.url(url))
                .setAttribute(JobTraces.ATTEMPT, (long) attempt)
                .startSpan();
        if (attempt > 1) {
            span.setAttribute(HttpAttributes.HTTP_REQUEST_RESEND_COUNT, (long) attempt - 1);
        }
        Authority authority = Authority.of(url);
        if (authority != null) {
            span.setAttribute(ServerAttributes.SERVER_ADDRESS, authority.host());
            span.setAttribute(ServerAttributes.SERVER_PORT, (long) authority.port());
        }
        return span;
    }

    /**
     * The host and port of a URL, as {@link URI#getHost()} and {@link URI#getPort()} (or the scheme's default) give
     * them. A plain {@code http(s)://host[:port]/...} URL, what the URL policy lets through, is read in place: parsing
     * it whole with {@link URI} cost more than the rest of the span. Anything else goes to {@link URI}.
     */
    record Authority(String host, int port) {

        static Authority of(String url) {
            int start = url.startsWith("http://") ? 7 : url.startsWith("https://") ? 8 : -1;
            int defaultPort = start == 8 ? 443 : 80;
            if (start > 0) {
                int end = start;
                int colon = -1;
                while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
                    char c = url.charAt(end);
                    if (c == ':' && colon < 0) {
                        colon = end;
                    } else if (!isHostOrPortChar(c)) {
                        return parsed(url);
                    }
                    end++;
                }
                String host = url.substring(start, colon < 0 ? end : colon);
                if (host.isEmpty() || colon == end - 1) {
                    return parsed(url);
                }
                int port = colon < 0 ? defaultPort : portOf(url, colon + 1, end);
                return port < 0 ? parsed(url) : new Authority(host, port);
            }
            return parsed(url);
        }

        /** Letters, digits, dots and hyphens: a host name or an IPv4 address, nothing that needs decoding or care. */
        private static boolean isHostOrPortChar(char c) {
            return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-';
        }

        /** The decimal port in {@code url[from, to)}, or -1 when it is not one. */
        private static int portOf(String url, int from, int to) {
            if (to - from > 5) {
                return -1;
            }
            int port = 0;
            for (int i = from; i < to; i++) {
                char c = url.charAt(i);
                if (c < '0' || c > '9') {
                    return -1;
                }
                port = port * 10 + c - '0';
            }
            return port <= 65535 ? port : -1;
        }

        private static Authority parsed(String url) {
            try {
                URI uri = URI.create(url);
                if (uri.getHost() == null) {
                    return null;
                }
                return new Authority(uri.getHost(),
                        uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
            } catch (IllegalArgumentException e) {
                // the URL policy refuses such a URL anyway; the span goes without server attributes
                return null;
            }
        }
    }

    /** Adds the span's W3C headers to a request's headers (replacing any of the same name the client set). */
    static void inject(Span span, Map<String, String> headers) {
        W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), headers, Map::put);
    }

    /** Records what the request got; a status of 400 or more, or no answer, is an error (its kind in {@code error.type}). */
    static void answered(Span span, FetchResult result) {
        if (result instanceof FetchResult.Answer answer) {
            answered(span, answer.statusCode(), null);
        } else {
            answered(span, null, ((FetchResult.Failure) result).kind());
        }
    }

    static void answered(Span span, Integer statusCode, String errorKind) {
        if (statusCode != null) {
            span.setAttribute(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, (long) statusCode);
            if (statusCode >= 400) {
                span.setAttribute(ErrorAttributes.ERROR_TYPE, Integer.toString(statusCode));
                span.setStatus(StatusCode.ERROR);
            }
        }
        if (errorKind != null) {
            span.setAttribute(ErrorAttributes.ERROR_TYPE, errorKind);
            span.setStatus(StatusCode.ERROR, errorKind);
        }
    }
}
