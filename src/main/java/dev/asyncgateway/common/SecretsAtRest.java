package dev.asyncgateway.common;

import dev.asyncgateway.config.GatewayConfig;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigUtils;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * The gateway's {@link SecretBox}, keyed by {@code gateway.secrets-key}: what seals secrets before they are stored
 * and opens them where they are used (signing, custom headers, Basic auth, the secret and settings endpoints).
 * URLs keep their shape: only the password of their user info is sealed (see {@link UrlPassword}), so the
 * receiver column and masked views work on stored URLs as they are.
 * <p>
 * Created at start-up: a key setting that cannot be used stops the start, with a message naming the setting.
 * Without keys, secrets are stored in clear as before; the prod profile warns about it.
 */
@ApplicationScoped
@Startup
public class SecretsAtRest {

    private static final Logger LOG = Logger.getLogger(SecretsAtRest.class);
    static final String SETTING = "GATEWAY_SECRETS_KEY (gateway.secrets-key)";

    @Inject
    GatewayConfig config;

    private SecretBox box;

    @PostConstruct
    void loadKeys() {
        box = SecretBox.fromSetting(config.secretsKey().orElse(null), SETTING);
        if (box.hasKey()) {
            LOG.infof("secrets at rest are encrypted (AES-256-GCM) under key id %s", box.currentKeyId());
        } else if (ConfigUtils.isProfileActive(LaunchMode.PROD_PROFILE)) {
            LOG.warn(SETTING + " is not set: webhook signing secrets, custom webhook header values and passwords "
                    + "in callback URLs are stored in the database in clear. Set it to the base64 of 32 random bytes "
                    + "(openssl rand -base64 32) to encrypt them.");
        }
    }

    public boolean hasKey() {
        return box.hasKey();
    }

    /** The id of the key new values are sealed under, or null without keys. */
    public String currentKeyId() {
        return box.currentKeyId();
    }

    public String seal(String clear) {
        return box.seal(clear);
    }

    /** @throws SecretBox.UnreadableSecretException when sealed under a key that is not configured, or altered */
    public String open(String stored) {
        return box.open(stored);
    }

    /** Every value opened, in order (the signing secrets of a delivery). */
    public List<String> openAll(List<String> stored) {
        return stored.stream().map(box::open).toList();
    }

    public boolean isCurrent(String stored) {
        return box.isCurrent(stored);
    }

    /** The stored value under the current key (unchanged when it already is). */
    public String reseal(String stored) {
        return box.reseal(stored);
    }

    /** The URL with its password sealed (and nothing else changed); null stays null. */
    public String sealUrl(String url) {
        return UrlPassword.replace(url, box::seal);
    }

    /** The URL with its password opened, exactly as it was given before {@link #sealUrl}. */
    public String openUrl(String storedUrl) {
        return UrlPassword.replace(storedUrl, box::open);
    }

    /** The stored URL with its password under the current key (unchanged when it already is). */
    public String resealUrl(String storedUrl) {
        return UrlPassword.replace(storedUrl, box::reseal);
    }
}
