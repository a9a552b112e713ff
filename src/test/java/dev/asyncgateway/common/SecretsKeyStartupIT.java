package dev.asyncgateway.common;

import dev.asyncgateway.testsupport.GatewayProcess;
import dev.asyncgateway.testsupport.ScratchDatabase;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packaged gateway in the prod profile, as operators run it: how it starts with and without GATEWAY_SECRETS_KEY. */
class SecretsKeyStartupIT {

    private static final String WARNING = "GATEWAY_SECRETS_KEY (gateway.secrets-key) is not set";

    @Test
    void aKeyThatIsNotBase64Of32BytesStopsTheStartWithAMessageNamingTheSetting() {
        String shortKey = "c2hvcnQta2V5LW9mLTE2Yg==";
        try (ScratchDatabase db = ScratchDatabase.create("secrets_key_bad")) {
            var refused = assertThrows(Exception.class, () -> GatewayProcess.start("secrets-key-bad", db.reactiveUrl(),
                    Map.of("GATEWAY_SECRETS_KEY", shortKey)).close());
            String output = fullMessage(refused);
            assertTrue(output.contains("GATEWAY_SECRETS_KEY (gateway.secrets-key): key 1 of 1 decodes to 16 bytes"), output);
            assertFalse(output.contains(shortKey), "the key itself is never printed");
        }
    }

    @Test
    void withoutAKeyTheProdProfileWarnsAndWithOneItNamesTheKeyInUse() throws Exception {
        try (ScratchDatabase db = ScratchDatabase.create("secrets_key_none");
             GatewayProcess gateway = GatewayProcess.start("secrets-key-none", db.reactiveUrl(), Map.of())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> gateway.output().contains(WARNING));
        }
        String key = "tJVCv9eLZkH9+LIMWKZkxprejFO98se6hGkVzNrwS84=";
        try (ScratchDatabase db = ScratchDatabase.create("secrets_key_set");
             GatewayProcess gateway = GatewayProcess.start("secrets-key-set", db.reactiveUrl(), Map.of("GATEWAY_SECRETS_KEY", key))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> gateway.output().contains("secrets at rest are encrypted"));
            assertFalse(gateway.output().contains(WARNING));
            assertFalse(gateway.output().contains(key));
        }
    }

    private static String fullMessage(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
