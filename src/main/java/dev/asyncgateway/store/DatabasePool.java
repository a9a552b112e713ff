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
 * Creates the reactive pool with what Quarkus has no setting for. The two timeouts bound what a request
 * waits for when PostgreSQL is away: the API answers 503 within seconds instead of hanging for the
 * client's defaults (60 s to connect, 30 s for a pooled connection). The prepared-statement cache must
 * take every statement the gateway runs: by default the client caches only statements up to 2,048
 * characters, and the claim and complete statements are longer, so each run of them was parsed, planned
 * and described again in an extra round trip.
 */
@Singleton
public class DatabasePool implements PgPoolCreator {

    /** Longer than the longest statement in the store package; the cache itself stays bounded by its entry count. */
    private static final int CACHED_SQL_MAX_LENGTH = 16 * 1024;

    @Inject
    GatewayConfig config;

    private volatile PgConnectOptions connectOptions;

    @Override
    @SuppressWarnings("deprecation") // Quarkus requires a PgPool here; PgPool.pool is the factory that returns one
    public Pool create(Input input) {
        GatewayConfig.Database database = config.database();
        for (PgConnectOptions options : input.pgConnectOptionsList()) {
            options.setConnectTimeout((int) database.connectTimeout().toMillis())
                    .setPreparedStatementCacheSqlLimit(CACHED_SQL_MAX_LENGTH);
        }
        connectOptions = new PgConnectOptions(input.pgConnectOptionsList().get(0));
        PoolOptions poolOptions = input.poolOptions()
                .setConnectionTimeout((int) database.acquireTimeout().toMillis())
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
        return PgPool.pool(input.vertx(), input.pgConnectOptionsList(), poolOptions);
    }

    /**
     * How the pool's connections are made (address, credentials, TLS, timeouts, as configured for the
     * datasource and completed here), for a connection of its own beside the pool, such as the one that
     * LISTENs for wake-ups. Known once the pool exists.
     */
    public PgConnectOptions connectOptions() {
        if (connectOptions == null) {
            throw new IllegalStateException("the database pool is not created yet");
        }
        return new PgConnectOptions(connectOptions);
    }
}
