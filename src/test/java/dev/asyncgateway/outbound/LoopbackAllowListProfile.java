package dev.asyncgateway.outbound;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** Public addresses plus one allow-listed block, as a deployment calling an internal service would set it. */
public class LoopbackAllowListProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("gateway.url-policy.allow-private-networks", "false",
                "gateway.url-policy.allow-cidrs", "127.0.0.1/32");
    }
}
