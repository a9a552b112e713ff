package dev.asyncgateway.account;

import dev.asyncgateway.common.ApiKeys;
import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.common.SecretsAtRest;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Makes sure the account of {@code GATEWAY_BOOTSTRAP_API_KEY} exists before the first request.
 * Runs once on the start-up thread, right after Flyway, over the same JDBC datasource Flyway uses;
 * nothing on the request path touches JDBC.
 */
@ApplicationScoped
public class BootstrapAccount {

    private static final Logger LOG = Logger.getLogger(BootstrapAccount.class);

    @Inject
    GatewayConfig config;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    SecretsAtRest secrets;

    void onStart(@Observes StartupEvent event) throws SQLException {
        if (config.bootstrapApiKey().isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("""
                     insert into account (id, name, api_key_hash, webhook_secret)
                     values (?, 'bootstrap', ?, ?)
                     on conflict (api_key_hash) do nothing""")) {
            insert.setObject(1, UUID.randomUUID());
            insert.setBytes(2, ApiKeys.hash(config.bootstrapApiKey().get()));
            insert.setString(3, secrets.seal(ApiKeys.newWebhookSecret()));
            if (insert.executeUpdate() == 1) {
                LOG.info("created the bootstrap account");
            }
        }
    }
}
