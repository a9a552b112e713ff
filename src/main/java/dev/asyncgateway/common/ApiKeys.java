package dev.asyncgateway.common;

import java.security.SecureRandom;
import java.util.Base64;

/** Creation and hashing of secrets: API keys are stored only as SHA-256, webhook secrets as random bytes. */
public final class ApiKeys {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();

    private ApiKeys() {
    }

    /** A new API key: 32 random bytes, URL-safe, so it fits in a query parameter unescaped. */
    public static String newApiKey() {
        return "gk_" + URL_SAFE.encodeToString(randomBytes(32));
    }

    /** A new webhook signing secret (raw key, base64); users see it as {@code whsec_} + this. */
    public static String newWebhookSecret() {
        return Base64.getEncoder().encodeToString(randomBytes(24));
    }

    public static byte[] hash(String apiKey) {
        return Sha256.of(apiKey);
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
