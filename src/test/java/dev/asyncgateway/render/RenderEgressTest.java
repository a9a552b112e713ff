package dev.asyncgateway.render;

import dev.asyncgateway.config.RenderConfig;
import dev.asyncgateway.outbound.UrlPolicyViolation;
import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.TwinServers;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static dev.asyncgateway.render.EgressClient.basic;
import static dev.asyncgateway.render.EgressClient.connect;
import static dev.asyncgateway.render.EgressClient.head;
import static dev.asyncgateway.render.EgressClient.readHead;
import static dev.asyncgateway.render.EgressClient.write;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The browser reaches the network only through the egress proxy (real Chromium, a real name server whose answers
 * rebind, real page servers on 127.0.0.1 and 127.0.0.2 sharing one port): names are resolved by the gateway, and a
 * name whose answer changes between two lookups never leads the page to a refused address. Then the egress proxy
 * itself, spoken to by a raw client: no token, no forwarding; a refused CONNECT is a 403 that connects nothing; a
 * render at its connection cap gets 503 until one of its connections closes; an allowed tunnel and a plain request
 * get through with their Host and without proxy headers.
 */
@QuarkusTest
@WithTestResource(RebindingNameServer.class)
class RenderEgressTest {

    private static final TwinServers TWINS = new TwinServers();

    @Inject
    EgressProxy egress;

    @Inject
    RenderConfig render;

    private EgressClient client;

    @BeforeEach
    void client() throws Exception {
        client = EgressClient.of(egress);
    }

    private static String url(String host, String pathAndQuery) {
        return "http://" + host + ":" + TWINS.port() + pathAndQuery;
    }

    private static String unique(String kind, String domain) {
        return kind + "-" + UUID.randomUUID() + domain;
    }

    private static ExtractableResponse<Response> rendered(String url) {
        String id = Api.submitJob(Map.of("apiKey", Api.newAccount(), "url", url, "apiParams", Map.of("render", true)));
        await().atMost(Duration.ofSeconds(40)).until(() -> !Api.status(id).equals("running"));
        return Api.job(id).extract();
    }

    /** The browser's own resolver knows no {@code .test} name: the page loads only because the gateway resolved it. */
    @Test
    void aNameIsResolvedByTheGatewayAndThePageLoadsThroughTheEgressProxy() {
        String host = unique("page", RebindingNameServer.STABLE);

        ExtractableResponse<Response> job = rendered(url(host, "/js"));

        assertEquals("finished", job.path("status"), () -> String.valueOf(job.path("failReason")));
        assertTrue(job.<String>path("response.body").contains("written by JavaScript"));
        assertTrue(TWINS.allowed().requests().stream().anyMatch(r -> r.startsWith("/js") && r.contains("\nHost: " + host + ":")),
                TWINS.allowed().requests()::toString);
        assertEquals(0, TWINS.refused().connections(), "connections to the refused address");
    }

    /**
     * The interception's lookup gets the allowed address, the egress proxy's lookup the refused one, and the proxy
     * connects only to the address it checked: the document is refused by the URL policy and nothing reaches 127.0.0.2.
     */
    @Test
    void aPageWhoseNameRebindsToARefusedAddressNeverReachesIt() {
        String host = unique("doc", RebindingNameServer.REBINDING);

        ExtractableResponse<Response> job = rendered(url(host, "/js"));

        assertEquals("failed", job.path("status"));
        assertEquals(UrlPolicyViolation.FAIL_REASON, job.path("failReason"));
        assertEquals(1, (int) job.path("attempts"));
        assertTrue(RebindingNameServer.asked(host) >= 2, "the name was looked up again when connecting");
        assertEquals(0, TWINS.refused().connections(), "connections to the refused address");
    }

    @Test
    void subresourcesWhoseNameRebindsNeverReachTheRefusedAddress() {
        String image = unique("img", RebindingNameServer.REBINDING);
        String script = unique("xhr", RebindingNameServer.REBINDING);

        ExtractableResponse<Response> job = rendered(url("127.0.0.1", "/page?img=" + url(image, "/pixel")
                + "&fetch=" + url(script, "/data")));

        assertEquals("finished", job.path("status"), () -> String.valueOf(job.path("failReason")));
        assertTrue(job.<String>path("response.body").contains("<p>page</p>"));
        assertTrue(RebindingNameServer.asked(image) >= 2, () -> "the image's name was looked up " + RebindingNameServer.asked(image)
                + " times; the allowed server saw " + TWINS.allowed().requests());
        assertTrue(RebindingNameServer.asked(script) >= 2, () -> "the fetched name was looked up " + RebindingNameServer.asked(script)
                + " times; the allowed server saw " + TWINS.allowed().requests());
        // Refused by the egress proxy, so not even the allowed server saw them.
        assertTrue(TWINS.allowed().requests().stream().noneMatch(r -> r.contains("\nHost: " + image) || r.contains("\nHost: " + script)),
                TWINS.allowed().requests()::toString);
        assertEquals(0, TWINS.refused().connections(), "connections to the refused address");
    }

    @Test
    void withoutTheTokenOfAnOpenRenderTheEgressProxyForwardsNothing() throws Exception {
        EgressRoute forgotten = egress.open(Optional.empty());
        egress.forget(forgotten);
        String target = url("127.0.0.1", "/no-token");

        for (String credentials : new String[] {null, basic("wrong"), basic(forgotten.token())}) {
            String head = head(client.exchange("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + TWINS.port() + "\r\n"
                    + (credentials == null ? "" : "Proxy-Authorization: " + credentials + "\r\n") + "\r\n", false));
            assertTrue(head.startsWith("HTTP/1.1 407"), head);
            assertTrue(head.toLowerCase().contains("proxy-authenticate: basic"), head);
            String tunnel = head(client.exchange("CONNECT 127.0.0.1:" + TWINS.port() + " HTTP/1.1\r\nHost: 127.0.0.1:" + TWINS.port() + "\r\n"
                    + (credentials == null ? "" : "Proxy-Authorization: " + credentials + "\r\n") + "\r\n", false));
            assertTrue(tunnel.startsWith("HTTP/1.1 407"), tunnel);
        }
        assertTrue(TWINS.allowed().requests().stream().noneMatch(r -> r.startsWith("/no-token")));
    }

    @Test
    void aConnectToAnAddressThePolicyRefusesIsAnswered403AndConnectsNothing() throws Exception {
        EgressRoute route = egress.open(Optional.empty());
        try {
            String head = head(client.exchange(connect("127.0.0.2:" + TWINS.port(), route), true));
            assertTrue(head.startsWith("HTTP/1.1 403"), head);
            assertEquals(0, TWINS.refused().connections(), "connections to the refused address");
        } finally {
            egress.forget(route);
        }
    }

    @Test
    void aTunnelToAnAllowedAddressCarriesBytesBothWays() throws Exception {
        EgressRoute route = egress.open(Optional.empty());
        try (Socket socket = client.socket()) {
            write(socket, connect("127.0.0.1:" + TWINS.port(), route));
            String established = readHead(socket.getInputStream());
            assertTrue(established.startsWith("HTTP/1.1 200"), established);

            write(socket, "GET /tunnelled HTTP/1.1\r\nHost: tunnel.example\r\nConnection: close\r\n\r\n");
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 200") && answer.contains("<p>/tunnelled</p>"), answer);
            assertTrue(TWINS.allowed().requests().stream().anyMatch(r -> r.startsWith("/tunnelled\n") && r.contains("Host: tunnel.example")));
        } finally {
            egress.forget(route);
        }
    }

    @Test
    void aRenderAtItsConnectionCapIsAnswered503UntilOneOfItsConnectionsCloses() throws Exception {
        EgressRoute route = egress.open(Optional.empty());
        String connect = connect("127.0.0.1:" + TWINS.port(), route);
        List<Socket> tunnels = new ArrayList<>();
        try {
            for (int i = 0; i < render.egressMaxConnectionsPerContext(); i++) {
                Socket socket = client.socket();
                tunnels.add(socket);
                write(socket, connect);
                String established = readHead(socket.getInputStream());
                assertTrue(established.startsWith("HTTP/1.1 200"), () -> "tunnel " + tunnels.size() + ": " + established);
            }
            String refused = head(client.exchange(connect, true));
            assertTrue(refused.startsWith("HTTP/1.1 503"), refused);

            tunnels.remove(0).close();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                try (Socket socket = client.socket()) {
                    write(socket, connect);
                    return readHead(socket.getInputStream()).startsWith("HTTP/1.1 200");
                }
            });
        } finally {
            for (Socket socket : tunnels) {
                socket.close();
            }
            egress.forget(route);
        }
    }

    @Test
    void aPlainRequestIsForwardedWithItsHostAndWithoutProxyHeaders() throws Exception {
        EgressRoute route = egress.open(Optional.empty());
        try {
            String answer = client.exchange("GET " + url("127.0.0.1", "/plain?x=1") + " HTTP/1.1\r\nHost: 127.0.0.1:" + TWINS.port()
                    + "\r\nProxy-Authorization: " + basic(route.token()) + "\r\nX-Custom: kept\r\nConnection: close\r\n\r\n", true);
            assertTrue(answer.startsWith("HTTP/1.1 200") && answer.contains("<p>/plain</p>"), answer);
            String seen = TWINS.allowed().requests().stream().filter(r -> r.startsWith("/plain?x=1\n")).findFirst().orElseThrow();
            assertTrue(seen.contains("\nHost: 127.0.0.1:" + TWINS.port()), seen);
            assertTrue(seen.contains("\nX-Custom: kept"), seen);
            assertFalse(seen.toLowerCase().contains("proxy-authorization"), seen);
        } finally {
            egress.forget(route);
        }
    }
}
