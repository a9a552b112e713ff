package dev.asyncgateway.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A DNS server on a UDP port of 127.0.0.1, made the gateway's only name server (and given a lookup timeout
 * of {@link #LOOKUP_TIMEOUT}). Names under {@link #RESOLVABLE} resolve to 127.0.0.1; every other query is
 * read, remembered and never answered, like a domain whose name server is down. The answers are written by
 * hand (RFC 1035 section 4), enough for a stub resolver.
 */
public class FakeNameServer implements QuarkusTestResourceLifecycleManager {

    /** Names under this domain resolve to 127.0.0.1. */
    public static final String RESOLVABLE = ".resolvable.test";
    public static final String LOOKUP_TIMEOUT = "8s";

    public static final int TYPE_A = 1;
    private static final Set<String> UNANSWERED = ConcurrentHashMap.newKeySet();

    private DatagramSocket socket;

    @Override
    public Map<String, String> start() {
        try {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the fake name server's socket", e);
        }
        Thread server = new Thread(this::serve, "fake-name-server");
        server.setDaemon(true);
        server.start();
        return Map.of("gateway.url-policy.dns-servers", "127.0.0.1:" + socket.getLocalPort(),
                "gateway.url-policy.dns-timeout", LOOKUP_TIMEOUT,
                // Longer than the lookup timeout, so a stalled lookup ends as a DNS failure, not an attempt timeout.
                "gateway.fetch.attempt-timeout", "12s");
    }

    @Override
    public void stop() {
        socket.close();
    }

    /** Distinct names that were asked for and never answered. */
    public static int unansweredNames() {
        return UNANSWERED.size();
    }

    private void serve() {
        byte[] buffer = new byte[1500];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                byte[] query = Arrays.copyOf(packet.getData(), packet.getLength());
                Question question = Question.of(query);
                if (question.name().endsWith(RESOLVABLE)) {
                    byte[] answer = answer(query, question, new byte[] {127, 0, 0, 1}, 60);
                    socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
                } else {
                    UNANSWERED.add(question.name());
                }
            } catch (IOException | RuntimeException e) {
                if (!socket.isClosed()) {
                    System.err.println("fake name server: " + e);
                }
            }
        }
    }

    /**
     * The query's question answered with {@code ipv4} (valid for {@code ttlSeconds}) when it asks for an A record,
     * with no record otherwise (or when {@code ipv4} is null).
     */
    public static byte[] answer(byte[] query, Question question, byte[] ipv4, int ttlSeconds) {
        boolean a = question.type() == TYPE_A && ipv4 != null;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(query[0]); // the query's id
        out.write(query[1]);
        out.write(0x81); // QR: a response; RD copied as set
        out.write(0x80); // RA, RCODE 0 (no error)
        out.writeBytes(new byte[] {0, 1, 0, (byte) (a ? 1 : 0), 0, 0, 0, 0}); // 1 question, 0 or 1 answer, no others
        out.write(query, 12, question.end() - 12);
        if (a) {
            out.writeBytes(new byte[] {
                    (byte) 0xc0, 12,      // the name: a pointer to the question's
                    0, 1, 0, 1,           // type A, class IN
                    (byte) (ttlSeconds >>> 24), (byte) (ttlSeconds >>> 16), (byte) (ttlSeconds >>> 8), (byte) ttlSeconds,
                    0, 4}); // an IPv4 address follows
            out.writeBytes(ipv4);
        }
        return out.toByteArray();
    }

    /** The first question of a query: its name in lower case, its type, and where it ends in the packet. */
    public record Question(String name, int type, int end) {
        public static Question of(byte[] query) {
            StringBuilder name = new StringBuilder();
            int at = 12;
            while (query[at] != 0) {
                int length = query[at];
                name.append(name.isEmpty() ? "" : ".").append(new String(query, at + 1, length, StandardCharsets.US_ASCII));
                at += length + 1;
            }
            int type = ((query[at + 1] & 0xff) << 8) | (query[at + 2] & 0xff);
            return new Question(name.toString().toLowerCase(), type, at + 5);
        }
    }
}
