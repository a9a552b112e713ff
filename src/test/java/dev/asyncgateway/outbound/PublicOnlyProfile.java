package dev.asyncgateway.outbound;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** The policy as shipped: only public addresses (the test profile otherwise allows private networks). */
public class PublicOnlyProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("gateway.url-policy.allow-private-networks", "false");
    }
}
