package dev.asyncgateway.runner;

import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.outbound.CappedBodyCodec;
import dev.asyncgateway.outbound.FetchResult;
import dev.asyncgateway.outbound.OutboundClientOptions;
import dev.asyncgateway.outbound.OutboundFailures;
import dev.asyncgateway.outbound.OutboundUrl;
import dev.asyncgateway.outbound.OutboundUrlPolicy;
import dev.asyncgateway.outbound.ProxyPool;
import dev.asyncgateway.outbound.RedirectCredentials;
import dev.asyncgateway.outbound.RequestDeadline;
import dev.asyncgateway.outbound.SafeAddressResolver;
import dev.asyncgateway.outbound.UrlPolicyViolation;
import dev.asyncgateway.store.ApiParams;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.TypeArg;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Fetches a job's target over non-blocking HTTP: connect and attempt timeouts always set, the body
 * capped, redirects followed by hand (bounded, each hop checked by the URL policy at connect time, and
 * credentials sent only within the origin they were given for, see {@link RedirectCredentials}).
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
    OutboundFailures failures;

    @Inject
    SafeAddressResolver resolver;

    @Inject
    OutboundUrlPolicy policy;

    private WebClient client;
    private BodyCodec<Buffer> cappedBody;

    @PostConstruct
    void createClient() {
        GatewayConfig.Fetch fetch = config.fetch();
        WebClientOptions options = OutboundClientOptions.of(fetch.connectTimeout(), fetch.poolSizePerHost())
                .setTryUseCompression(true);
        client = WebClient.create(vertx, options);
        RequestDeadline.install(client, vertx, fetch.attemptTimeout());
        cappedBody = BodyCodec.newInstance(new CappedBodyCodec(fetch.maxBodyBytes()),
                new TypeArg<>(core -> Buffer.newInstance((io.vertx.core.buffer.Buffer) core), Buffer::getDelegate));
    }

    void close(@Observes ShutdownEvent event) {
        client.close();
    }

    /**
     * One attempt: the target's final answer (after redirects when asked), or the reason there was none.
     * It takes at most the attempt timeout, and never longer than {@code timeLeft}, the job's remaining time.
     */
    public Uni<FetchResult> fetch(TargetRequest target, Duration timeLeft) {
        return fetch(target, timeLeft, null);
    }

    /** One attempt through {@code proxy} (every redirect hop too), or directly when it is null. */
    public Uni<FetchResult> fetch(TargetRequest target, Duration timeLeft, ProxyPool.Proxy proxy) {
        Duration limit = timeLeft.compareTo(config.fetch().attemptTimeout()) < 0 ? timeLeft : config.fetch().attemptTimeout();
        return follow(target.method(), target.url(), target.headers(), target.body(), target.params(), proxy, 0)
                .ifNoItem().after(limit)
                .failWith(() -> new TimeoutException("no answer within " + limit.toMillis() + " ms"))
                .onFailure().recoverWithItem(failures::classify);
    }

    private Uni<FetchResult> follow(String method, String url, Map<String, String> headers, String body,
                                    ApiParams params, ProxyPool.Proxy proxy, int hops) {
        return send(method, url, headers, body, proxy).chain(response -> {
            int status = response.statusCode();
            String location = response.getHeader("Location");
            if (!params.followRedirect() || !REDIRECTS.contains(status) || location == null) {
                return Uni.createFrom().item(answer(response, url));
            }
            if (hops >= config.fetch().maxRedirects()) {
                return Uni.createFrom().item((FetchResult) new FetchResult.Failure("too_many_redirects",
                        "more than " + config.fetch().maxRedirects() + " redirects", false));
            }
            URI current = URI.create(url);
            URI next = current.resolve(location);
            Map<String, String> nextHeaders = RedirectCredentials.forHop(current, next, headers);
            // 303, and 301/302 after a non-GET, turn into a GET without body, as browsers do.
            boolean keepMethod = status == 307 || status == 308 || method.equals("GET") || method.equals("HEAD");
            return follow(keepMethod ? method : "GET", next.toString(), nextHeaders, keepMethod ? body : null, params, proxy,
                    hops + 1);
        });
    }

    /**
     * Directly, every hop is resolved and checked by the URL policy, and sent to exactly the address that was checked.
     * Through a proxy, the proxy resolves the name: the policy judges the URL as written (scheme, port, an address
     * literal, localhost), and the proxy connects wherever the name leads it.
     */
    private Uni<HttpResponse<Buffer>> send(String method, String url, Map<String, String> headers, String body,
                                           ProxyPool.Proxy proxy) {
        if (proxy != null) {
            OutboundUrl checked;
            try {
                checked = policy.check(url, OutboundUrlPolicy.Use.TARGET);
            } catch (UrlPolicyViolation violation) {
                return Uni.createFrom().failure(violation);
            }
            RequestOptions options = new RequestOptions().setHost(checked.host()).setPort(checked.port())
                    .setSsl(checked.ssl()).setURI(checked.pathAndQuery());
            return send(client.request(HttpMethod.valueOf(method), options).proxy(proxy.options()), headers, body);
        }
        return resolver.resolve(url, OutboundUrlPolicy.Use.TARGET)
                .chain(address -> send(address.request(client, HttpMethod.valueOf(method)), headers, body));
    }

    private Uni<HttpResponse<Buffer>> send(HttpRequest<Buffer> request, Map<String, String> headers, String body) {
        HttpRequest<Buffer> capped = request.idleTimeout(config.fetch().attemptTimeout().toMillis()).as(cappedBody);
        MultiMap requestHeaders = capped.headers();
        headers.forEach(requestHeaders::set);
        return body == null ? capped.send() : capped.sendBuffer(Buffer.buffer(body));
    }

    /** A response as a {@link FetchResult.Answer}: header names in lower case, multiple values kept. */
    public static FetchResult answer(HttpResponse<Buffer> response, String finalUrl) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : response.headers()) {
            headers.computeIfAbsent(header.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(header.getValue());
        }
        Buffer body = response.body();
        return new FetchResult.Answer(response.statusCode(), headers, body == null ? new byte[0] : body.getBytes(), finalUrl);
    }
}
