package dev.asyncgateway.account;

import dev.asyncgateway.config.GatewayConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * Makes sure the account of {@code GATEWAY_BOOTSTRAP_API_KEY} exists before the first request. Runs once, after
 * Flyway, through the same insert as every account ({@link AccountService}). It waits for that insert on the
 * start-up thread, which is not an event loop and runs before the HTTP server takes requests.
 */
@ApplicationScoped
public class BootstrapAccount {

    private static final Logger LOG = Logger.getLogger(BootstrapAccount.class);
    private static final Duration INSERT_TIMEOUT = Duration.ofMinutes(1);

    @Inject
    GatewayConfig config;

    @Inject
    AccountService accounts;

    void onStart(@Observes StartupEvent event) {
        if (config.bootstrapApiKey().isEmpty()) {
            return;
        }
        if (accounts.createIfAbsent("bootstrap", config.bootstrapApiKey().get()).await().atMost(INSERT_TIMEOUT)) {
            LOG.info("created the bootstrap account");
        }
    }
}
