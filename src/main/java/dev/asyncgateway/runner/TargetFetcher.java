package dev.asyncgateway.runner;

import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.job.ApiParams;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.TypeArg;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.MultiMap;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.mutiny.ext.web.codec.BodyCodec;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Fetches a job's target over non-blocking HTTP: connect and attempt timeouts always set, the body
 * capped, redirects followed by hand (bounded, and each hop visible to the URL policy).
 */
@Startup // the client must be created outside any request: one made on an HTTP verticle's context closes with it on shutdown
@ApplicationScoped
public class TargetFetcher {

    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    @Inject
    Vertx vertx;

    @Inject
    GatewayConfig config;

    @Inject
    FetchFailures failures;

    private WebClient client;
    private BodyCodec<Buffer> cappedBody;

    @PostConstruct
    void createClient() {
        GatewayConfig.Fetch fetch = config.fetch();
        WebClientOptions options = new WebClientOptions()
                .setConnectTimeout((int) fetch.connectTimeout().toMillis())
                .setMaxPoolSize(fetch.poolSizePerHost())
                .setKeepAlive(true)
                .setFollowRedirects(false)
                .setTryUseCompression(true)
                .setUserAgentEnabled(false)
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                .setVerifyHost(true)
                .setTrustAll(false);
        client = WebClient.create(vertx, options);
        cappedBody = BodyCodec.newInstance(new CappedBodyCodec(fetch.maxBodyBytes()),
                new TypeArg<>(core -> Buffer.newInstance((io.vertx.core.buffer.Buffer) core), Buffer::getDelegate));
    }

    void close(@Observes ShutdownEvent event) {
        client.close();
    }

    /** One attempt: the target's final answer (after redirects when asked), or the reason there was none. */
    public Uni<FetchResult> fetch(TargetRequest target) {
        long attemptTimeoutMs = config.fetch().attemptTimeout().toMillis();
        return follow(target.method(), target.url(), target.headers(), target.body(), target.params(), 0)
                .ifNoItem().after(config.fetch().attemptTimeout())
                .failWith(() -> new java.util.concurrent.TimeoutException("no answer within " + attemptTimeoutMs + " ms"))
                .onFailure().recoverWithItem(failures::classify);
    }

    private Uni<FetchResult> follow(String method, String url, Map<String, String> headers, String body,
                                    ApiParams params, int hops) {
        return send(method, url, headers, body).chain(response -> {
            int status = response.statusCode();
            String location = response.getHeader("Location");
            if (!params.followRedirect() || !REDIRECTS.contains(status) || location == null) {
                return Uni.createFrom().item(answer(response, url));
            }
            if (hops >= config.fetch().maxRedirects()) {
                return Uni.createFrom().item((FetchResult) new FetchResult.Failure("too_many_redirects",
                        "more than " + config.fetch().maxRedirects() + " redirects", false));
            }
            String next = URI.create(url).resolve(location).toString();
            // 303, and 301/302 after a non-GET, turn into a GET without body, as browsers do.
            boolean keepMethod = status == 307 || status == 308 || method.equals("GET") || method.equals("HEAD");
            return follow(keepMethod ? method : "GET", next, headers, keepMethod ? body : null, params, hops + 1);
        });
    }

    private Uni<HttpResponse<Buffer>> send(String method, String url, Map<String, String> headers, String body) {
        HttpRequest<Buffer> request = client.requestAbs(HttpMethod.valueOf(method), url)
                .idleTimeout(config.fetch().attemptTimeout().toMillis())
                .as(cappedBody);
        MultiMap requestHeaders = request.headers();
        headers.forEach(requestHeaders::set);
        return body == null ? request.send() : request.sendBuffer(Buffer.buffer(body));
    }

    private static FetchResult answer(HttpResponse<Buffer> response, String finalUrl) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : response.headers()) {
            headers.computeIfAbsent(header.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(header.getValue());
        }
        Buffer body = response.body();
        return new FetchResult.Answer(response.statusCode(), headers, body == null ? new byte[0] : body.getBytes(), finalUrl);
    }
}
