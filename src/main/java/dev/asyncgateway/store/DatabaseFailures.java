package dev.asyncgateway.store;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;

/**
 * Tells an outage of PostgreSQL apart from every other failure of a statement, by the failure's type and
 * SQLSTATE only. Never by its message: PostgreSQL quotes the offending value in many errors, and that
 * value may be a peer's text, so a message search would let a poison item pass for an outage (and be
 * retried forever) or turn a bad request into a 503.
 */
public final class DatabaseFailures {

    private DatabaseFailures() {
    }

    /**
     * An outage surfaces as one of these anywhere in the cause chain: no connection (refused, reset, timed
     * out, closed under a statement, the host name not resolving, none free in the pool), the server refusing
     * work while it shuts down or starts up, or the {@link DatabaseBreaker} being open after such failures.
     */
    public static boolean isUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (isConnectionFailure(t) || t instanceof CircuitBreakerOpenException
                    || (t instanceof PgException pg && isUnavailableState(pg.getSqlState()))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isConnectionFailure(Throwable t) {
        return t instanceof SocketException // refused (ConnectException), reset, no route
                || t instanceof ConnectTimeoutException
                || t instanceof UnknownHostException
                || t instanceof ClosedChannelException
                || t instanceof ClosedConnectionException
                || t instanceof ConnectionPoolTooBusyException
                // The SQL client raises a plain VertxException, of no subtype, only about its connections: no
                // pooled connection freed up within the acquire timeout, a TLS upgrade failed, or pending
                // commands were lost with their connection. Subtypes (PgException, DecodeException, ...) are
                // other failures and are judged above or not at all.
                || t.getClass() == VertxException.class;
    }

    /** SQLSTATE class 08 (connection exception), 57P01-57P03 (shutting down, starting up), 53300 (too many connections). */
    private static boolean isUnavailableState(String sqlState) {
        return sqlState != null && (sqlState.startsWith("08") || sqlState.startsWith("57P") || sqlState.equals("53300"));
    }
}
