package dev.asyncgateway.observability;

import dev.asyncgateway.queue.GracefulShutdown;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;

/**
 * Ready means: start-up finished (migrations applied, bootstrap account ensured), the database answers
 * with a migration history that has no failed step, and the instance is not shutting down.
 */
@Readiness
@ApplicationScoped
public class GatewayReadiness implements AsyncHealthCheck {

    private static final String NAME = "gateway";
    /** A probe answers within its own timeout (1 s on Kubernetes by default), so the query gets less. */
    private static final Duration QUERY_TIMEOUT = Duration.ofMillis(800);
    private static final String SCHEMA_STATE = """
            select (select version from flyway_schema_history where success order by installed_rank desc limit 1) as version,
                   exists (select 1 from flyway_schema_history where not success) as failed""";

    @Inject
    Pool pool;

    @Inject
    GracefulShutdown shutdown;

    private volatile boolean started;

    /** Observed last among start-up observers, after Flyway and the bootstrap account. */
    void started(@Observes @Priority(Integer.MAX_VALUE) StartupEvent event) {
        started = true;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        if (!started) {
            return Uni.createFrom().item(down().withData("reason", "starting").build());
        }
        if (shutdown.draining()) {
            return Uni.createFrom().item(down().withData("reason", "shutting down").build());
        }
        return pool.preparedQuery(SCHEMA_STATE).execute()
                .ifNoItem().after(QUERY_TIMEOUT).fail()
                .map(rows -> schemaState(rows.iterator().next()))
                .onFailure().recoverWithItem(failure -> down().withData("reason", "database unavailable")
                        .withData("error", failure.getClass().getSimpleName()).build());
    }

    private static HealthCheckResponse schemaState(Row row) {
        String version = row.getString("version");
        if (row.getBoolean("failed") || version == null) {
            return down().withData("reason", "migrations incomplete").build();
        }
        return HealthCheckResponse.named(NAME).up().withData("schemaVersion", version).build();
    }

    private static HealthCheckResponseBuilder down() {
        return HealthCheckResponse.named(NAME).down();
    }
}
