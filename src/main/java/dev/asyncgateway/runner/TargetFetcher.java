package dev.asyncgateway.runner;

import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.outbound.FetchResult;
import dev.asyncgateway.outbound.OutboundClients;
import dev.asyncgateway.outbound.OutboundFailures;
import dev.asyncgateway.outbound.OutboundUrl;
import dev.asyncgateway.outbound.OutboundUrlPolicy;
import dev.asyncgateway.outbound.ProxyPool;
import dev.asyncgateway.outbound.RedirectCredentials;
import dev.asyncgateway.outbound.UrlPolicyViolation;
import dev.asyncgateway.store.ApiParams;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Fetches a job's target over non-blocking HTTP: connect and attempt timeouts always set, the body
 * capped, redirects followed by hand (bounded, each hop checked by the URL policy at connect time, and
 * credentials sent only within the origin they were given for, see {@link RedirectCredentials}).
 */
@ApplicationScoped
public class TargetFetcher {

    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    @Inject
    GatewayConfig config;

    @Inject
    OutboundFailures failures;

    @Inject
    OutboundClients clients;

    @Inject
    OutboundUrlPolicy policy;

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
        Buffer requestBody = body == null ? null : Buffer.buffer(body);
        return send(url, HttpMethod.valueOf(method), headers, requestBody, proxy).chain(answer -> {
            int status = answer.statusCode();
            List<String> locations = answer.headers().get("location");
            String location = locations == null ? null : locations.get(0);
            if (!params.followRedirect() || !REDIRECTS.contains(status) || location == null) {
                return Uni.createFrom().item((FetchResult) answer);
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
    private Uni<FetchResult.Answer> send(String url, HttpMethod method, Map<String, String> headers, Buffer body,
                                         ProxyPool.Proxy proxy) {
        if (proxy == null) {
            return clients.targets().send(url, method, headers, body);
        }
        OutboundUrl checked;
        try {
            checked = policy.check(url, OutboundUrlPolicy.Use.TARGET);
        } catch (UrlPolicyViolation violation) {
            return Uni.createFrom().failure(violation);
        }
        return clients.targets().sendThrough(proxy.options(), checked, method, headers, body);
    }
}
