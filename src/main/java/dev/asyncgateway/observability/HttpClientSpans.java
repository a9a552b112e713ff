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
        try {
            URI uri = URI.create(url);
            if (uri.getHost() != null) {
                span.setAttribute(ServerAttributes.SERVER_ADDRESS, uri.getHost());
                int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
                span.setAttribute(ServerAttributes.SERVER_PORT, (long) port);
            }
        } catch (IllegalArgumentException e) {
            // the URL policy refuses such a URL anyway; the span goes without server attributes
        }
        return span;
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
