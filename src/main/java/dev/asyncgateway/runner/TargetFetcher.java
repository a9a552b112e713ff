package dev.asyncgateway.runner;

import dev.asyncgateway.store.ApiParams;
import dev.asyncgateway.outbound.FetchResult;
import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.outbound.OutboundClients;
import dev.asyncgateway.outbound.OutboundFailures;
import dev.asyncgateway.outbound.RedirectCredentials;
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

    /**
     * One attempt: the target's final answer (after redirects when asked), or the reason there was none.
     * It takes at most the attempt timeout, and never longer than {@code timeLeft}, the job's remaining time.
     */
    public Uni<FetchResult> fetch(TargetRequest target, Duration timeLeft) {
        Duration limit = timeLeft.compareTo(config.fetch().attemptTimeout()) < 0 ? timeLeft : config.fetch().attemptTimeout();
        return follow(target.method(), target.url(), target.headers(), target.body(), target.params(), 0)
                .ifNoItem().after(limit)
                .failWith(() -> new TimeoutException("no answer within " + limit.toMillis() + " ms"))
                .onFailure().recoverWithItem(failures::classify);
    }

    private Uni<FetchResult> follow(String method, String url, Map<String, String> headers, String body,
                                    ApiParams params, int hops) {
        // Every hop is resolved and checked by the URL policy, and sent to exactly the address that was checked.
        Buffer requestBody = body == null ? null : Buffer.buffer(body);
        return clients.targets().send(url, HttpMethod.valueOf(method), headers, requestBody).chain(answer -> {
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
            return follow(keepMethod ? method : "GET", next.toString(), nextHeaders, keepMethod ? body : null, params, hops + 1);
        });
    }
}
