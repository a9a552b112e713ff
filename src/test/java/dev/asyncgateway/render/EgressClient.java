package dev.asyncgateway.render;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A raw HTTP/1.1 client of the egress proxy, speaking to it as the browser (or anything else on the machine) would:
 * over the loopback address it binds by default, whatever host it advertises.
 */
final class EgressClient {

    private final int port;

    private EgressClient(int port) {
        this.port = port;
    }

    static EgressClient of(EgressProxy egress) throws Exception {
        return new EgressClient(URI.create(egress.address().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)).getPort());
    }

    /** The {@code Proxy-Authorization} value that carries a route's token. */
    static String basic(String token) {
        return "Basic " + Base64.getEncoder().encodeToString((EgressRoute.USER + ":" + token).getBytes(StandardCharsets.UTF_8));
    }

    /** A {@code CONNECT} to {@code hostAndPort} with the route's token. */
    static String connect(String hostAndPort, EgressRoute route) {
        return "CONNECT " + hostAndPort + " HTTP/1.1\r\nHost: " + hostAndPort + "\r\nProxy-Authorization: " + basic(route.token())
                + "\r\n\r\n";
    }

    Socket socket() throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Sends {@code request} on a new connection: the whole answer up to the close, or only its head. */
    String exchange(String request, boolean untilClosed) throws IOException {
        try (Socket socket = socket()) {
            write(socket, request);
            return untilClosed ? new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    : readHead(socket.getInputStream());
        }
    }

    static void write(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    /** The status line and headers, read up to the blank line that ends them. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.UTF_8).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.UTF_8);
    }

    /** The head of a whole answer. */
    static String head(String answer) {
        int end = answer.indexOf("\r\n\r\n");
        return end < 0 ? answer : answer.substring(0, end);
    }
}
