package dev.asyncgateway.render;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * A local Chromium found on PATH ({@code .ci/run} installs Debian's {@code chromium} when it is missing), and a URL
 * policy that opens exactly the allowed page server's address, so that 127.0.0.2 stands for a refused private network.
 */
public class RenderProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("gateway.render.enabled", "true"),
                Map.entry("gateway.render.concurrency", "2"),
                Map.entry("gateway.render.network-idle", "200ms"),
                Map.entry("gateway.render.network-idle-max-wait", "2s"),
                Map.entry("gateway.render.max-requests-per-page", "100"),
                // A page that exhausts memory crashes its renderer within a second instead of taking the machine's.
                Map.entry("gateway.render.page-heap-mb", "64"),
                Map.entry("gateway.fetch.attempt-timeout", "10s"),
                Map.entry("gateway.url-policy.allow-private-networks", "false"),
                Map.entry("gateway.url-policy.allow-cidrs", "127.0.0.1/32"));
    }
}
