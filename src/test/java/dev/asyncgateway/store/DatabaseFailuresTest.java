package dev.asyncgateway.store;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.json.DecodeException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.hibernate.HibernateException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An outage is told by the failure's type and SQLSTATE, never by its text: a retried batch or a 503 must not
 * hang on words that a peer can put into an error message.
 */
class DatabaseFailuresTest {

    @Test
    void failuresToReachOrKeepAConnectionAreOutagesWhereverTheyAreInTheCauseChain() {
        List<Throwable> outages = List.of(
                new ConnectException("Connection refused"),
                new SocketException("Connection reset"),
                new ConnectTimeoutException("connection timed out after 5000 ms: /10.0.0.5:5432"),
                new UnknownHostException("db.internal"),
                new ClosedChannelException(),
                ClosedConnectionException.INSTANCE,
                new ConnectionPoolTooBusyException("pool reached max wait queue size"),
                // What the SQL client raises itself when no pooled connection frees up in time, or a TLS upgrade fails.
                new VertxException("Timeout waiting for connection", true),
                new VertxException("SSL handshake failed", true),
                new CircuitBreakerOpenException("api-database"),
                pgError("08006"), pgError("08001"), pgError("57P01"), pgError("57P03"), pgError("53300"));
        for (Throwable outage : outages) {
            assertTrue(DatabaseFailures.isUnreachable(outage), () -> outage + " is an outage");
            Throwable wrapped = new CompletionException(new HibernateException("statement failed", outage));
            assertTrue(DatabaseFailures.isUnreachable(wrapped), () -> outage + " wrapped is an outage");
        }
    }

    @Test
    void otherFailuresAreNotOutagesWhateverTheirMessageSays() {
        List<Throwable> others = List.of(
                pgError("23505"),
                new PgException("invalid byte sequence for encoding \"UTF8\": 0x00", "ERROR", "22021", null),
                // PostgreSQL echoes the offending value, and the value may be a peer's text.
                new PgException("invalid input syntax for type integer: \"Connection refused\"", "ERROR", "22P02", null),
                // Peer text inside a decode failure (a stored header, say) must not make a poison item look like an outage.
                new DecodeException("Failed to decode: {\"connection\": \"Connection refused\""),
                new IllegalStateException("no connection"),
                new RuntimeException("Connection refused"));
        for (Throwable other : others) {
            assertFalse(DatabaseFailures.isUnreachable(other), () -> other + " is not an outage");
            assertFalse(DatabaseFailures.isUnreachable(new CompletionException(other)), () -> other + " wrapped is not an outage");
        }
    }

    private static PgException pgError(String sqlState) {
        return new PgException("server says " + sqlState, "FATAL", sqlState, null);
    }
}
