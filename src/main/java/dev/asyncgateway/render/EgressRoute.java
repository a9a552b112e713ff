package dev.asyncgateway.render;

import dev.asyncgateway.outbound.ProxyPool;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
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

    /** Remembers that the URL policy refused a connection to {@code authority} (lower-case host and port). */
    void refused(String authority) {
        refused.add(authority);
    }

    /** Whether the URL policy refused a connection of this render to {@code authority} (lower-case host and port). */
    boolean wasRefused(String authority) {
        return refused.contains(authority);
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
