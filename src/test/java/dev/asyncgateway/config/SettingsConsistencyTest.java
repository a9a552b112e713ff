package dev.asyncgateway.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Settings that contradict each other stop the start-up, with a message naming both; the shipped ones
 * (application.properties in every profile) never do. The check reads the settings as Quarkus maps them.
 */
class SettingsConsistencyTest {

    @ParameterizedTest
    @ValueSource(strings = {"prod", "dev", "test"})
    void shippedSettingsDoNotContradictEachOther(String profile) {
        assertEquals(List.of(), SettingsConsistency.contradictions(settings(profile, Map.of())));
    }

    @Test
    void callbackLeaseNotLongerThanTheCallbackTimeoutIsAContradiction() {
        assertOnlyContradiction(Map.of("gateway.callback.lease", "2s", "gateway.callback.timeout", "3s"),
                "gateway.callback.lease", "gateway.callback.timeout");
        assertOnlyContradiction(Map.of("gateway.callback.lease", "30s", "gateway.callback.timeout", "30s"),
                "gateway.callback.lease", "gateway.callback.timeout");
    }

    @Test
    void retryMaxDelayShorterThanTheInitialDelayIsAContradiction() {
        assertOnlyContradiction(Map.of("gateway.fetch.retry-initial-delay", "10s", "gateway.fetch.retry-max-delay", "5s"),
                "gateway.fetch.retry-max-delay", "gateway.fetch.retry-initial-delay");
    }

    @Test
    void requestLimitAboveTheServersBodyLimitIsAContradiction() {
        assertOnlyContradiction(Map.of("gateway.jobs.request-max-bytes", "33554432"),
                "gateway.jobs.request-max-bytes", "quarkus.http.limits.max-body-size");
    }

    @Test
    void drainCheckIntervalNotShorterThanTheDrainItselfIsAContradiction() {
        assertOnlyContradiction(Map.of("gateway.runner.drain-check-interval", "5m"),
                "gateway.runner.drain-check-interval", "gateway.runner.drain-max-duration");
    }

    @Test
    void heartbeatsThatWouldTurnStaleOrBeRemovedBetweenTwoBeatsAreAContradiction() {
        assertOnlyContradiction(Map.of("gateway.console.heartbeat-interval", "30s"),
                "gateway.console.heartbeat-interval", "gateway.console.heartbeat-stale-after");
        assertOnlyContradiction(Map.of("gateway.console.heartbeat-remove-after", "10s"),
                "gateway.console.heartbeat-stale-after", "gateway.console.heartbeat-remove-after");
    }

    /** Quarkus trusts every client when no trusted proxy is named: statusUrls would be anyone's to rewrite. */
    @Test
    void forwardedHeadersWithoutTrustedProxiesAreAContradiction() {
        assertOnlyContradiction(Map.of("quarkus.http.proxy.trusted-proxies", ""),
                "quarkus.http.proxy.proxy-address-forwarding", "quarkus.http.proxy.trusted-proxies");
    }

    @Test
    void startUpIsRefusedWithEveryContradictionNamed() {
        SmallRyeConfig contradicting = settings("prod", Map.of("gateway.callback.lease", "10s",
                "gateway.callback.timeout", "1m", "gateway.fetch.retry-max-delay", "100ms"));

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> SettingsConsistency.requireConsistent(contradicting));

        for (String setting : List.of("gateway.callback.lease", "gateway.callback.timeout",
                "gateway.fetch.retry-max-delay", "gateway.fetch.retry-initial-delay")) {
            assertTrue(refused.getMessage().contains(setting), refused.getMessage());
        }
    }

    private static void assertOnlyContradiction(Map<String, String> overrides, String setting, String otherSetting) {
        List<String> found = SettingsConsistency.contradictions(settings("prod", overrides));
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).contains(setting) && found.get(0).contains(otherSetting), found.get(0));
    }

    /** application.properties as the given profile reads it, with {@code overrides} on top. */
    private static SmallRyeConfig settings(String profile, Map<String, String> overrides) {
        try {
            return new SmallRyeConfigBuilder()
                    .withProfile(profile)
                    .withMapping(GatewayConfig.class)
                    .withMapping(ConsoleConfig.class)
                    .withConverter(Duration.class, 200, new DurationConverter())
                    .withConverter(MemorySize.class, 200, new MemorySizeConverter())
                    .withSources(new PropertiesConfigSource(
                            SettingsConsistencyTest.class.getResource("/application.properties"), 250))
                    .withSources(new PropertiesConfigSource(overrides, "overrides", 400))
                    .build();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
