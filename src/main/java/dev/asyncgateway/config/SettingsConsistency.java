package dev.asyncgateway.config;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.SmallRyeConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Refuses to start with settings that contradict each other, naming both: each would otherwise start and
 * misbehave only under load or failure (a callback sent twice, a 413 outside the API's error shape).
 * <p>
 * Pairs that look related but do not contradict are left alone: a job lease shorter than the fetch attempt
 * timeout (the lease is renewed every third of itself while the fetch runs), a connect timeout above the
 * attempt timeout (the attempt bounds it), caps above the concurrency they sit under.
 */
@ApplicationScoped
public class SettingsConsistency {

    /**
     * Before every other start-up observer, Quarkus' own included (the scheduler starts at PLATFORM_BEFORE):
     * nothing is claimed or purged under settings that contradict each other, and the start fails before it ends.
     */
    void refuseContradictions(@Observes @Priority(Integer.MIN_VALUE) StartupEvent event) {
        requireConsistent(ConfigProvider.getConfig().unwrap(SmallRyeConfig.class));
    }

    /** @throws IllegalStateException naming every contradiction found */
    public static void requireConsistent(SmallRyeConfig settings) {
        List<String> found = contradictions(settings);
        if (!found.isEmpty()) {
            throw new IllegalStateException("settings contradict each other, not starting:\n  - "
                    + String.join("\n  - ", found));
        }
    }

    /** One sentence per contradiction, naming both settings with their values; empty when there is none. */
    public static List<String> contradictions(SmallRyeConfig settings) {
        GatewayConfig config = settings.getConfigMapping(GatewayConfig.class);
        List<String> found = new ArrayList<>();
        GatewayConfig.Callback callback = config.callback();
        if (callback.lease().compareTo(callback.timeout()) <= 0) {
            found.add(String.format("gateway.callback.lease (%s) must be longer than gateway.callback.timeout (%s): "
                    + "a delivery still being sent would be claimed again and sent twice", text(callback.lease()),
                    text(callback.timeout())));
        }
        GatewayConfig.Fetch fetch = config.fetch();
        if (fetch.retryMaxDelay().compareTo(fetch.retryInitialDelay()) < 0) {
            found.add(String.format("gateway.fetch.retry-max-delay (%s) must not be shorter than "
                    + "gateway.fetch.retry-initial-delay (%s)", text(fetch.retryMaxDelay()), text(fetch.retryInitialDelay())));
        }
        GatewayConfig.Runner runner = config.runner();
        if (runner.drainCheckInterval().compareTo(runner.drainMaxDuration()) >= 0) {
            found.add(String.format("gateway.runner.drain-check-interval (%s) must be shorter than "
                    + "gateway.runner.drain-max-duration (%s)", text(runner.drainCheckInterval()), text(runner.drainMaxDuration())));
        }
        ConsoleConfig console = settings.getConfigMapping(ConsoleConfig.class);
        if (console.heartbeatStaleAfter().compareTo(console.heartbeatInterval()) <= 0
                || console.heartbeatRemoveAfter().compareTo(console.heartbeatStaleAfter()) <= 0) {
            found.add(String.format("gateway.console.heartbeat-interval (%s) < gateway.console.heartbeat-stale-after (%s) "
                    + "< gateway.console.heartbeat-remove-after (%s) must hold: otherwise live instances are shown stale "
                    + "or removed between two heartbeats", text(console.heartbeatInterval()),
                    text(console.heartbeatStaleAfter()), text(console.heartbeatRemoveAfter())));
        }
        settings.getOptionalValue("quarkus.http.limits.max-body-size", MemorySize.class)
                .filter(serverLimit -> config.jobs().requestMaxBytes() > serverLimit.asLongValue())
                .ifPresent(serverLimit -> found.add(String.format("gateway.jobs.request-max-bytes (%d) must not exceed "
                        + "quarkus.http.limits.max-body-size (%d bytes): the server would cut larger requests without "
                        + "the API's error", config.jobs().requestMaxBytes(), serverLimit.asLongValue())));
        boolean forwarding = settings.getOptionalValue("quarkus.http.proxy.proxy-address-forwarding", Boolean.class)
                .orElse(false);
        if (forwarding && settings.getOptionalValues("quarkus.http.proxy.trusted-proxies", String.class).isEmpty()) {
            found.add("quarkus.http.proxy.proxy-address-forwarding is on but quarkus.http.proxy.trusted-proxies names no "
                    + "proxy: Quarkus would then take X-Forwarded-* from any client, who could point statusUrls anywhere");
        }
        return found;
    }

    private static String text(Duration duration) {
        return duration.toString().substring(2).toLowerCase(Locale.ROOT);
    }
}
