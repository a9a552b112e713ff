package dev.asyncgateway.store;

import dev.asyncgateway.config.GatewayConfig;
import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.concurrent.TimeUnit;

/**
 * Creates the reactive pool with the two timeouts Quarkus has no setting for. Together they bound what
 * a request waits for when PostgreSQL is away: the API answers 503 within seconds instead of hanging
 * for the client's defaults (60 s to connect, 30 s for a pooled connection).
 */
@Singleton
public class DatabasePool implements PgPoolCreator {

    @Inject
    GatewayConfig config;

    @Override
    @SuppressWarnings("deprecation") // Quarkus requires a PgPool here; PgPool.pool is the factory that returns one
    public Pool create(Input input) {
        GatewayConfig.Database database = config.database();
        for (PgConnectOptions options : input.pgConnectOptionsList()) {
            options.setConnectTimeout((int) database.connectTimeout().toMillis());
        }
        PoolOptions poolOptions = input.poolOptions()
                .setConnectionTimeout((int) database.acquireTimeout().toMillis())
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
        return PgPool.pool(input.vertx(), input.pgConnectOptionsList(), poolOptions);
    }
}
