package dev.asyncgateway.outbound;

import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.store.ApiParams;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The operator's proxies ({@code gateway.fetch.proxies}): which one a fetch attempt goes through, and which ones
 * rest after failing. Choosing is in memory and per instance: a job's attempts spread over the matching proxies by
 * its id and move to the next one on each retry; {@code country_code} and the tier narrow the choice;
 * {@code session_number} pins a proxy per (account, number) while it is used at least every
 * {@code gateway.fetch.proxy-session-idle}. A proxy with {@code gateway.fetch.proxy-failures-before-rest}
 * consecutive attempts without an answer rests for {@code gateway.fetch.proxy-rest}.
 * <p>
 * Proxy credentials stay in the {@link ProxyOptions}: labels, logs and meters name a proxy by scheme, host and port.
 * Proxy addresses are operator configuration and exempt from the outbound URL policy.
 */
@ApplicationScoped
public class ProxyPool {

    private static final Logger LOG = Logger.getLogger(ProxyPool.class);
    private static final Pattern COUNTRY = Pattern.compile("[a-z]{2}");
    /** Above this many sessions, a new one first sweeps out those idle too long. */
    private static final int SESSION_SWEEP_ABOVE = 10_000;

    /** Whether a pool can serve a request for a country and a tier. */
    public enum Coverage { SERVED, NO_COUNTRY, NO_TIER }

    @Inject
    GatewayConfig config;

    @Inject
    MeterRegistry meters;

    private List<Proxy> proxies = List.of();
    private final ConcurrentHashMap<SessionKey, Session> sessions = new ConcurrentHashMap<>();
    private long restNanos;
    private long sessionIdleNanos;
    private int failuresBeforeRest;

    /** One proxy of the pool with its health. */
    public static final class Proxy {
        private final String label;
        private final ProxyOptions options;
        private final String country;
        private final ApiParams.Tier tier;
        private int consecutiveFailures;
        private Counter answered;
        private Counter failed;
        private volatile long restingUntil;
        private volatile boolean resting;

        Proxy(String label, ProxyOptions options, String country, ApiParams.Tier tier) {
            this.label = label;
            this.options = options;
            this.country = country;
            this.tier = tier;
        }

        /** Scheme, host and port: never the credentials. */
        public String label() {
            return label;
        }

        /** The proxy for a Vert.x web client request, credentials included; never to be logged. */
        public ProxyOptions options() {
            return options;
        }

        boolean serves(String wantedCountry, ApiParams.Tier wantedTier) {
            return (wantedCountry == null || wantedCountry.equals(country)) && tier.compareTo(wantedTier) >= 0;
        }

        boolean restingAt(long now) {
            if (resting && now - restingUntil >= 0) {
                resting = false;
            }
            return resting;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private record SessionKey(UUID accountId, long number) {
    }

    private static final class Session {
        final Proxy proxy;
        volatile long lastUsed;

        Session(Proxy proxy, long lastUsed) {
            this.proxy = proxy;
            this.lastUsed = lastUsed;
        }
    }

    @PostConstruct
    void load() {
        GatewayConfig.Fetch fetch = config.fetch();
        restNanos = fetch.proxyRest().toNanos();
        sessionIdleNanos = fetch.proxySessionIdle().toNanos();
        failuresBeforeRest = Math.max(1, fetch.proxyFailuresBeforeRest());
        List<String> entries = fetch.proxies().orElse(List.of());
        List<Proxy> loaded = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            if (!entries.get(i).isBlank()) {
                loaded.add(parse(entries.get(i).trim(), i + 1));
            }
        }
        proxies = List.copyOf(loaded);
        for (Proxy proxy : proxies) {
            meters.gauge("gateway.proxy.resting", List.of(Tag.of("proxy", proxy.label)), proxy,
                    p -> p.restingAt(System.nanoTime()) ? 1 : 0);
            proxy.answered = meters.counter("gateway.proxy.attempts", "proxy", proxy.label, "outcome", "answered");
            proxy.failed = meters.counter("gateway.proxy.attempts", "proxy", proxy.label, "outcome", "failed");
        }
        if (!proxies.isEmpty()) {
            LOG.infof("proxy pool: %s", proxies);
        }
    }

    /**
     * One entry of the setting. Messages name the entry by its position and label, never by its text, which may hold
     * a password.
     */
    static Proxy parse(String entry, int position) {
        URI uri;
        try {
            uri = new URI(entry);
        } catch (URISyntaxException e) {
            throw invalid(position, "is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        ProxyType type = switch (scheme) {
            case "http" -> ProxyType.HTTP;
            case "socks5" -> ProxyType.SOCKS5;
            case "https" -> throw invalid(position, "is an https:// proxy (TLS to the proxy), which the Vert.x client cannot "
                    + "use; give it as http:// (https targets are still tunnelled end to end with CONNECT) or socks5://");
            default -> throw invalid(position, "must be an http:// or socks5:// URL");
        };
        if (uri.getHost() == null || uri.getPort() < 1) {
            throw invalid(position, "must name a host and a port, e.g. http://10.0.0.5:3128");
        }
        String label = scheme + "://" + (uri.getHost().contains(":") && !uri.getHost().startsWith("[")
                ? "[" + uri.getHost() + "]" : uri.getHost()) + ":" + uri.getPort();
        ProxyOptions options = new ProxyOptions().setType(type).setHost(uri.getHost().replaceAll("^\\[|]$", ""))
                .setPort(uri.getPort());
        if (uri.getRawUserInfo() != null) {
            String[] credentials = uri.getRawUserInfo().split(":", 2);
            options.setUsername(URLDecoder.decode(credentials[0], StandardCharsets.UTF_8));
            options.setPassword(credentials.length > 1 ? URLDecoder.decode(credentials[1], StandardCharsets.UTF_8) : "");
        }
        String country = null;
        ApiParams.Tier tier = ApiParams.Tier.STANDARD;
        if (uri.getRawFragment() != null && !uri.getRawFragment().isEmpty()) {
            for (String tag : uri.getRawFragment().split("&")) {
                String[] pair = tag.split("=", 2);
                String value = pair.length > 1 ? pair[1].trim().toLowerCase(Locale.ROOT) : "";
                switch (pair[0].trim().toLowerCase(Locale.ROOT)) {
                    case "country" -> {
                        if (!COUNTRY.matcher(value).matches()) {
                            throw invalid(position, label, "has country '" + value + "'; a country is two letters such as us");
                        }
                        country = value;
                    }
                    case "tier" -> tier = switch (value) {
                        case "standard" -> ApiParams.Tier.STANDARD;
                        case "premium" -> ApiParams.Tier.PREMIUM;
                        case "ultra_premium", "ultra-premium", "ultra" -> ApiParams.Tier.ULTRA_PREMIUM;
                        default -> throw invalid(position, label, "has tier '" + value + "'; tiers are standard, premium, ultra_premium");
                    };
                    default -> throw invalid(position, label, "has an unknown tag '" + pair[0].trim()
                            + "'; tags are country and tier, e.g. #country=us&tier=premium");
                }
            }
        }
        return new Proxy(label, options, country, tier);
    }

    private static IllegalStateException invalid(int position, String problem) {
        return new IllegalStateException("gateway.fetch.proxies (GATEWAY_FETCH_PROXIES): entry " + position + " " + problem);
    }

    private static IllegalStateException invalid(int position, String label, String problem) {
        return invalid(position, "(" + label + ") " + problem);
    }

    /** Whether every target fetch goes through a proxy. */
    public boolean configured() {
        return !proxies.isEmpty();
    }

    /** The proxies, in the order configured. */
    public List<Proxy> proxies() {
        return proxies;
    }

    /** Whether a proxy of the pool serves this country (null for any) at this tier or above. */
    public Coverage coverage(String country, ApiParams.Tier tier) {
        boolean countryServed = false;
        for (Proxy proxy : proxies) {
            if (country == null || country.equals(proxy.country)) {
                countryServed = true;
                if (proxy.tier.compareTo(tier) >= 0) {
                    return Coverage.SERVED;
                }
            }
        }
        return countryServed || country == null ? Coverage.NO_TIER : Coverage.NO_COUNTRY;
    }

    /**
     * The proxy for one attempt of a job (a target fetch, or a browser's page load), or null without a pool or when
     * no proxy matches any more (the pool changed since the job was submitted).
     *
     * @param jobId   spreads jobs over the proxies
     * @param attempt the attempt's number, from 1: each retry moves to the next matching proxy
     */
    public Proxy choose(UUID jobId, UUID accountId, ApiParams params, int attempt) {
        if (proxies.isEmpty()) {
            return null;
        }
        long now = System.nanoTime();
        String country = params.countryCode();
        ApiParams.Tier tier = params.tier();
        if (params.sessionNumber() != null) {
            SessionKey key = new SessionKey(accountId, params.sessionNumber());
            Session session = sessions.get(key);
            if (session != null && now - session.lastUsed < sessionIdleNanos && session.proxy.serves(country, tier)
                    && !session.proxy.restingAt(now)) {
                session.lastUsed = now;
                return session.proxy;
            }
            Proxy chosen = rotate(jobId, country, tier, attempt, now);
            if (chosen != null) {
                if (sessions.size() >= SESSION_SWEEP_ABOVE) {
                    sessions.values().removeIf(idle -> now - idle.lastUsed >= sessionIdleNanos);
                }
                sessions.put(key, new Session(chosen, now));
            }
            return chosen;
        }
        return rotate(jobId, country, tier, attempt, now);
    }

    /** The matching proxies that are not resting (all matching ones if every one rests), taken in turn. */
    private Proxy rotate(UUID jobId, String country, ApiParams.Tier tier, int attempt, long now) {
        List<Proxy> matching = new ArrayList<>(proxies.size());
        List<Proxy> awake = new ArrayList<>(proxies.size());
        for (Proxy proxy : proxies) {
            if (proxy.serves(country, tier)) {
                matching.add(proxy);
                if (!proxy.restingAt(now)) {
                    awake.add(proxy);
                }
            }
        }
        List<Proxy> candidates = awake.isEmpty() ? matching : awake;
        if (candidates.isEmpty()) {
            return null;
        }
        long spread = jobId.getLeastSignificantBits() ^ jobId.getMostSignificantBits();
        return candidates.get((int) Math.floorMod(spread + attempt, (long) candidates.size()));
    }

    /**
     * Whether an attempt got no answer because its connection failed (refused, closed, timed out): through a proxy,
     * most likely the proxy's fault. Any answer, whatever its status, shows the proxy works.
     */
    public static boolean isConnectionFailure(FetchResult result) {
        return result instanceof FetchResult.Failure failure && switch (failure.kind()) {
            case "connection_refused", "connection_closed", "timeout", "io_error" -> true;
            default -> false;
        };
    }

    /**
     * What an attempt through {@code proxy} got: an answer of any status (the proxy works), or a failure of the
     * connection (refused, closed, timed out), which counts towards its rest.
     */
    public void report(Proxy proxy, boolean answered) {
        (answered ? proxy.answered : proxy.failed).increment();
        synchronized (proxy) {
            if (answered) {
                proxy.consecutiveFailures = 0;
                return;
            }
            if (++proxy.consecutiveFailures < failuresBeforeRest) {
                return;
            }
            proxy.consecutiveFailures = 0;
            proxy.restingUntil = System.nanoTime() + restNanos;
            proxy.resting = true;
        }
        LOG.warnf("proxy %s rests for %d ms after %d failed connections in a row", proxy.label, restNanos / 1_000_000,
                failuresBeforeRest);
    }
}
