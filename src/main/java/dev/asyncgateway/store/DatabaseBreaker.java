package dev.asyncgateway.store;

import dev.asyncgateway.config.GatewayConfig;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;

/**
 * A SmallRye Fault Tolerance circuit breaker in front of the statements that API requests run. While
 * PostgreSQL is away, each request would otherwise wait out the connect timeout before its 503; once a
 * few in a row have failed that way the breaker opens and requests get their 503 at once, until a
 * probe after the breaker's delay finds the database back. Only outages count: a constraint violation or
 * a bad query never opens it.
 */
@ApplicationScoped
public class DatabaseBreaker {

    private static final TypeLiteral<Uni<Object>> UNI = new TypeLiteral<>() {
    };

    @Inject
    GatewayConfig config;

    private Guard guard;

    DatabaseBreaker() {
    }

    /** A breaker of its own, apart from the one the API uses (for tests). */
    DatabaseBreaker(int requestVolume, Duration delay) {
        guard = newGuard(requestVolume, delay);
    }

    @PostConstruct
    void build() {
        guard = newGuard(config.database().breakerRequestVolume(), config.database().breakerDelay());
    }

    private static Guard newGuard(int requestVolume, Duration delay) {
        return Guard.create()
                .withDescription("api-database")
                .withCircuitBreaker()
                .when(DatabaseFailures::isUnreachable)
                .requestVolumeThreshold(requestVolume)
                .failureRatio(1.0)
                .delay(delay.toMillis(), ChronoUnit.MILLIS)
                .successThreshold(1)
                .done()
                .build();
    }

    @SuppressWarnings("unchecked")
    public <T> Uni<T> call(Supplier<Uni<T>> statement) {
        Supplier<Uni<Object>> erased = (Supplier<Uni<Object>>) (Supplier<?>) statement;
        return (Uni<T>) guard.get(erased, UNI);
    }
}
