package dev.asyncgateway.callback;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Standard Webhooks signatures: {@code v1,} + base64 HMAC-SHA256 of {@code id.timestamp.body}, one per
 * secret, space-separated, so a receiver still holding the previous secret verifies during a rotation.
 */
public final class CallbackSigner {

    /** How users see a secret, as Standard Webhooks libraries expect it. */
    public static final String SECRET_PREFIX = "whsec_";

    private CallbackSigner() {
    }

    /**
     * @param secrets base64 keys (without {@link #SECRET_PREFIX}), the current one first
     */
    public static String signature(String webhookId, long timestampSeconds, byte[] body, List<String> secrets) {
        byte[] signedPrefix = (webhookId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8);
        return secrets.stream()
                .map(secret -> "v1," + Base64.getEncoder().encodeToString(hmac(secret, signedPrefix, body)))
                .collect(Collectors.joining(" "));
    }

    private static byte[] hmac(String secret, byte[] signedPrefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret), "HmacSHA256"));
            mac.update(signedPrefix);
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
