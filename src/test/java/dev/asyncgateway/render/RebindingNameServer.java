package dev.asyncgateway.render;

import dev.asyncgateway.testsupport.FakeNameServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The render settings of {@link RenderProfile} with a DNS server on 127.0.0.1 as the gateway's only name server, all
 * of whose answers have a TTL of 0 (never to be cached). Names under {@link #STABLE} always resolve to 127.0.0.1, the
 * address the test URL policy allows; a name under {@link #REBINDING} resolves to 127.0.0.1 the first time it is
 * asked for and to 127.0.0.2, a refused address, every time after: DNS rebinding. Other names get no address.
 * The browser's own resolver knows none of these names.
 */
public class RebindingNameServer implements QuarkusTestResourceLifecycleManager {

    public static final String STABLE = ".stable.test";
    public static final String REBINDING = ".rebind.test";

    private static final byte[] ALLOWED = {127, 0, 0, 1};
    private static final byte[] REFUSED = {127, 0, 0, 2};
    private static final Map<String, AtomicInteger> ASKED = new ConcurrentHashMap<>();

    private DatagramSocket socket;

    @Override
    public Map<String, String> start() {
        try {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the name server's socket", e);
        }
        Thread server = new Thread(this::serve, "rebinding-name-server");
        server.setDaemon(true);
        server.start();
        Map<String, String> settings = new HashMap<>(new RenderProfile().getConfigOverrides());
        settings.put("gateway.url-policy.dns-servers", "127.0.0.1:" + socket.getLocalPort());
        settings.put("gateway.url-policy.dns-timeout", "2s");
        return settings;
    }

    @Override
    public void stop() {
        socket.close();
    }

    /** How many times {@code name} was asked for its IPv4 address. */
    public static int asked(String name) {
        AtomicInteger count = ASKED.get(name);
        return count == null ? 0 : count.get();
    }

    private void serve() {
        byte[] buffer = new byte[1500];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                byte[] query = Arrays.copyOf(packet.getData(), packet.getLength());
                FakeNameServer.Question question = FakeNameServer.Question.of(query);
                byte[] answer = FakeNameServer.answer(query, question, address(question), 0);
                socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
            } catch (IOException | RuntimeException e) {
                if (!socket.isClosed()) {
                    System.err.println("rebinding name server: " + e);
                }
            }
        }
    }

    /** The address to answer with, or null for an answer without one. */
    private static byte[] address(FakeNameServer.Question question) {
        String name = question.name();
        if (question.type() != FakeNameServer.TYPE_A) {
            return null;
        }
        if (name.endsWith(STABLE)) {
            ASKED.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
            return ALLOWED;
        }
        if (name.endsWith(REBINDING)) {
            return ASKED.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet() == 1 ? ALLOWED : REFUSED;
        }
        return null;
    }
}
