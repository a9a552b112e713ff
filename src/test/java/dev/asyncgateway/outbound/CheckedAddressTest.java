package dev.asyncgateway.outbound;

import dev.asyncgateway.testsupport.SelfSignedTls;
import dev.asyncgateway.testsupport.TargetServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Requests go to the address the policy checked, never to a fresh DNS answer, and still name the original host. */
class CheckedAddressTest {

    private static final Vertx VERTX = Vertx.vertx();
    private static final Duration WAIT = Duration.ofSeconds(10);

    @AfterAll
    static void close() {
        VERTX.closeAndAwait();
    }

    @Test
    void connectsToTheCheckedAddressAndKeepsTheHostHeader() throws Exception {
        TargetServer target = TargetServer.get();
        int port = Integer.parseInt(target.url("").substring(target.url("").lastIndexOf(':') + 1));
        // A name no resolver knows: the request can only arrive if it is sent to the checked address.
        OutboundUrl url = new OutboundUrl("http://unresolvable.invalid:" + port + "/echo?x=1", false,
                "unresolvable.invalid", port, null, "/echo?x=1");
        OutboundClient client = client(new HttpClientOptions());

        var response = client.send(new CheckedAddress(url, InetAddress.getByName("127.0.0.1")), HttpMethod.GET, Map.of(), null)
                .await().atMost(WAIT);
        var answer = new JsonObject(new String(response.body(), StandardCharsets.UTF_8));

        assertEquals("unresolvable.invalid:" + port, answer.getJsonObject("headers").getString("host"));
        client.close();
    }

    @Test
    void tlsNamesTheOriginalHostInSniAndVerifiesItsCertificate() throws Exception {
        PfxOptions certificate = SelfSignedTls.keyCertFor("dns:gateway.test");
        AtomicReference<String> serverName = new AtomicReference<>();
        var server = VERTX.createHttpServer(new HttpServerOptions().setSsl(true).setSni(true)
                        .setKeyCertOptions(certificate))
                .requestHandler(request -> {
                    serverName.set(request.connection().indicatedServerName());
                    request.response().endAndForget("ok");
                })
                .listen(0, "127.0.0.1").await().atMost(WAIT);
        int port = server.actualPort();
        OutboundUrl url = new OutboundUrl("https://gateway.test:" + port + "/", true, "gateway.test", port, null, "/");
        OutboundClient client = client(new HttpClientOptions().setTrustOptions(certificate).setVerifyHost(true));

        var response = client.send(new CheckedAddress(url, InetAddress.getByName("127.0.0.1")), HttpMethod.GET, Map.of(), null)
                .await().atMost(WAIT);

        assertEquals(200, response.statusCode());
        assertEquals("gateway.test", serverName.get());
        client.close();
        server.closeAndAwait();
    }

    private static OutboundClient client(HttpClientOptions options) {
        // No resolver: these requests go to addresses given as checked.
        return OutboundClient.create(VERTX, null, OutboundUrlPolicy.Use.TARGET, options, WAIT, null, CappedBody.Limit.failing(1 << 20));
    }
}
