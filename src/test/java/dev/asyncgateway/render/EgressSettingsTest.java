package dev.asyncgateway.render;

import dev.asyncgateway.testsupport.TwinServers;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static dev.asyncgateway.render.EgressClient.connect;
import static dev.asyncgateway.render.EgressClient.readHead;
import static dev.asyncgateway.render.EgressClient.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The egress proxy's settings that the other render tests leave at their defaults: a tunnel with no byte either way
 * for the idle timeout is closed; the address the browser is given names the advertised host (a browser service
 * elsewhere reaches the gateway by a name of its own), while the proxy still listens on its bind address.
 */
@QuarkusTest
@TestProfile(EgressSettingsTest.ShortIdleAdvertised.class)
class EgressSettingsTest {

    private static final TwinServers TWINS = new TwinServers();

    public static class ShortIdleAdvertised implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.render.egress-idle-timeout", "1s",
                    "gateway.render.egress-advertised-host", "gateway.internal");
        }
    }

    @Inject
    EgressProxy egress;

    @Test
    void theBrowserIsToldTheAdvertisedHost() throws Exception {
        String address = egress.address().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertTrue(address.matches("http://gateway\\.internal:\\d+"), address);
    }

    @Test
    void aTunnelWithoutTrafficIsClosedAfterTheIdleTimeout() throws Exception {
        EgressRoute route = egress.open(Optional.empty());
        try (Socket socket = EgressClient.of(egress).socket()) {
            write(socket, connect("127.0.0.1:" + TWINS.port(), route));
            String established = readHead(socket.getInputStream());
            assertTrue(established.startsWith("HTTP/1.1 200"), established);

            long start = System.nanoTime();
            int read;
            try {
                read = socket.getInputStream().read();
            } catch (SocketTimeoutException stillOpen) {
                throw new AssertionError("the idle tunnel was still open after 10 s", stillOpen);
            }
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(-1, read, "the proxy closed the idle tunnel");
            assertTrue(waitedMs >= 500, "closed after " + waitedMs + " ms, before the timeout");
        } finally {
            egress.forget(route);
        }
    }
}
