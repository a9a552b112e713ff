package dev.asyncgateway.store;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

import java.net.SocketException;

/** Tells an outage of PostgreSQL apart from every other failure of a statement. */
public final class DatabaseFailures {

    private DatabaseFailures() {
    }

    /**
     * An outage surfaces as one of these anywhere in the cause chain: no connection (refused, reset, timed
     * out, none free in the pool), the server refusing work while it shuts down or starts up, or the
     * {@link DatabaseBreaker} being open after such failures.
     */
    public static boolean isUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketException || t instanceof ClosedConnectionException
                    || t instanceof io.netty.channel.ConnectTimeoutException
                    || t instanceof CircuitBreakerOpenException
                    || (t instanceof PgException pg && isUnavailableState(pg.getSqlState()))
                    || (t instanceof VertxException && String.valueOf(t.getMessage()).contains("onnection"))) {
                return true;
            }
        }
        return false;
    }

    /** SQLSTATE class 08 (connection exception), 57P01-57P03 (shutting down, starting up), 53300 (too many connections). */
    private static boolean isUnavailableState(String sqlState) {
        return sqlState != null && (sqlState.startsWith("08") || sqlState.startsWith("57P") || sqlState.equals("53300"));
    }
}
