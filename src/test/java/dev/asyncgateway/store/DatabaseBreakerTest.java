package dev.asyncgateway.store;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.instanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The breaker in front of API statements: outages open it, other failures never do, a probe closes it. */
@QuarkusTest
class DatabaseBreakerTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final AtomicInteger statementsRun = new AtomicInteger();

    private <T> Uni<T> failingWith(Throwable failure) {
        return Uni.createFrom().deferred(() -> {
            statementsRun.incrementAndGet();
            return Uni.createFrom().failure(failure);
        });
    }

    @Test
    void repeatedOutagesOpenTheBreakerSoRequestsFailAtOnceUntilAProbeSucceeds() {
        DatabaseBreaker breaker = new DatabaseBreaker(3, Duration.ofMillis(300));
        for (int i = 0; i < 3; i++) {
            assertThrows(ClosedConnectionException.class, () -> breaker.call(() -> failingWith(ClosedConnectionException.INSTANCE)).await().atMost(WAIT));
        }
        Throwable open = assertThrows(CircuitBreakerOpenException.class,
                () -> breaker.call(() -> failingWith(ClosedConnectionException.INSTANCE)).await().atMost(WAIT));
        assertThat("an open breaker runs no statement", statementsRun.get(), equalTo(3));
        assertThat("and its failure counts as an outage (503)", DatabaseFailures.isUnreachable(open), equalTo(true));

        await().atMost(WAIT).until(() -> {
            try {
                return breaker.call(() -> Uni.createFrom().item("back")).await().atMost(WAIT).equals("back");
            } catch (CircuitBreakerOpenException stillOpen) {
                return false;
            }
        });
    }

    @Test
    void failuresThatAreNotOutagesNeverOpenTheBreaker() {
        DatabaseBreaker breaker = new DatabaseBreaker(3, Duration.ofMinutes(1));
        PgException duplicate = new PgException("duplicate key", "ERROR", "23505", "detail");
        for (int i = 0; i < 10; i++) {
            Throwable failure = assertThrows(PgException.class, () -> breaker.call(() -> failingWith(duplicate)).await().atMost(WAIT));
            assertThat(failure, instanceOf(PgException.class));
        }
        assertThat(statementsRun.get(), equalTo(10));
    }
}
