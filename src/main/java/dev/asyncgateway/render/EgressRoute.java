package dev.asyncgateway.render;

import dev.asyncgateway.outbound.ProxyPool;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One render's way out through the {@link EgressProxy}: the token its browser context authenticates with, the pool
 * proxy its traffic goes through (or none: direct), the connections it has open, and the hosts the proxy refused it.
 * <p>
 * The token is a secret: it goes to the browser only, and {@link #toString()} hides it.
 */
final class EgressRoute {

    /** The user name of the egress proxy's Basic credentials; the token is the password. */
    static final String USER = "render";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String token;
    private final ProxyPool.Proxy pool;
    private final int maxConnections;
    private final Set<Runnable> open = new HashSet<>();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private boolean closed;

    EgressRoute(Optional<ProxyPool.Proxy> pool, int maxConnections) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        this.token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        this.pool = pool.orElse(null);
        this.maxConnections = maxConnections;
    }

    String token() {
        return token;
    }

    /** The pool proxy this render's connections go through, or empty: they go straight to the checked address. */
    Optional<ProxyPool.Proxy> pool() {
        return Optional.ofNullable(pool);
    }

    /**
     * Counts one more open connection, closed by {@code closer} when the route closes. False when the route has
     * closed or has its most connections open: the connection is refused.
     */
    synchronized boolean admit(Runnable closer) {
        if (closed || open.size() >= maxConnections) {
            return false;
        }
        open.add(closer);
        return true;
    }

    /** The connection {@code closer} closes has ended; may be called more than once. */
    synchronized void release(Runnable closer) {
        open.remove(closer);
    }

    /** Remembers that the URL policy refused a connection to the host and port of {@code url}. */
    void refused(String url) {
        String authority = authority(url);
        if (authority != null) {
            refused.add(authority);
        }
    }

    /** Whether the URL policy refused this render a connection to the host and port of {@code url}. */
    boolean wasRefused(String url) {
        String authority = authority(url);
        return authority != null && refused.contains(authority);
    }

    /** The lower-case host (without IPv6 brackets) and port of {@code url}, or null when it names no host. */
    private static String authority(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException malformed) {
            return null;
        }
        if (uri.getHost() == null) {
            return null;
        }
        int port = uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return uri.getHost().replaceAll("^\\[|]$", "").toLowerCase(Locale.ROOT) + ":" + port;
    }

    /** Closes every open connection; the route admits none after. */
    void close() {
        List<Runnable> closers;
        synchronized (this) {
            closed = true;
            closers = new ArrayList<>(open);
            open.clear();
        }
        closers.forEach(Runnable::run);
    }

    @Override
    public String toString() {
        return "EgressRoute[" + (pool == null ? "direct" : pool.label()) + "]";
    }
}
