package dev.asyncgateway.hostile;

import dev.asyncgateway.outbound.LoopbackAllowListProfile;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.HashMap;
import java.util.Map;

/**
 * Only 127.0.0.1 is reachable ({@link LoopbackAllowListProfile}), so a redirect to 127.0.0.2 or 169.254.169.254 is
 * refused; and timeouts with room for a busy machine, so that only a hostile peer can make an attempt fail: a
 * healthy receiver's answer must never be cut off by the callback timeout (it would be sent again), nor a
 * ten-hop redirect loop by the attempt timeout. Jobs retried until their timeout stay short: their {@code timeoutSec}
 * bounds every attempt.
 */
public class HostilePeerProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> overrides = new HashMap<>(new LoopbackAllowListProfile().getConfigOverrides());
        overrides.put("gateway.callback.timeout", "5s");
        overrides.put("gateway.callback.lease", "15s");
        overrides.put("gateway.fetch.attempt-timeout", "10s");
        return overrides;
    }
}
