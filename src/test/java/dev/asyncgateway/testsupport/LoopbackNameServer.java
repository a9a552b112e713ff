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

/**
 * A DNS server on a UDP port of 127.0.0.1, as a test resource that makes it the gateway's only name server: each
 * query's first question goes to {@link #respond}, whose answer (if any) is sent back. The answers are written by
 * hand (RFC 1035 section 4), enough for a stub resolver.
 */
public abstract class LoopbackNameServer implements QuarkusTestResourceLifecycleManager {

    public static final int TYPE_A = 1;

    private final String name;
    private DatagramSocket socket;

    protected LoopbackNameServer(String name) {
        this.name = name;
    }

    /** The answer to send for {@code query}, or null to leave it unanswered. */
    protected abstract byte[] respond(byte[] query, Question question);

    /** The test profile's settings once the server listens on {@code port}. */
    protected abstract Map<String, String> settings(int port);

    @Override
    public Map<String, String> start() {
        try {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the socket of " + name, e);
        }
        Thread server = new Thread(this::serve, name);
        server.setDaemon(true);
        server.start();
        return settings(socket.getLocalPort());
    }

    @Override
    public void stop() {
        socket.close();
    }

    private void serve() {
        byte[] buffer = new byte[1500];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                byte[] query = Arrays.copyOf(packet.getData(), packet.getLength());
                byte[] answer = respond(query, Question.of(query));
                if (answer != null) {
                    socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
                }
            } catch (IOException | RuntimeException e) {
                if (!socket.isClosed()) {
                    System.err.println(name + ": " + e);
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
