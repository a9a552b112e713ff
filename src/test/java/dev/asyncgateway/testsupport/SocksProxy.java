package dev.asyncgateway.testsupport;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A tiny SOCKS5 proxy for tests (RFC 1928, CONNECT only) that wants user name and password (RFC 1929): a client
 * that offers no such method, or sends other credentials, is closed. Records the {@code host:port} of each
 * connection it made for an authenticated client.
 */
public final class SocksProxy implements AutoCloseable {

    private static final Vertx VERTX = Vertx.vertx();

    private final String user;
    private final String password;
    private final NetServer server;
    private final NetClient client = VERTX.createNetClient();
    private final List<String> connected = new CopyOnWriteArrayList<>();
    private final int port;

    private SocksProxy(String user, String password) throws Exception {
        this.user = user;
        this.password = password;
        server = VERTX.createNetServer().connectHandler(this::serve);
        port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    }

    public static SocksProxy start(String user, String password) {
        try {
            return new SocksProxy(user, password);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the SOCKS proxy", e);
        }
    }

    public int port() {
        return port;
    }

    /** {@code host:port} of every connection made for an authenticated client, in order. */
    public List<String> connected() {
        return connected;
    }

    /** Reads the greeting, the credentials and the request as they arrive; then pipes both ways. */
    private void serve(NetSocket socket) {
        Buffer[] pending = {Buffer.buffer()};
        int[] stage = {0};
        socket.handler(data -> {
            pending[0].appendBuffer(data);
            Buffer in = pending[0];
            if (stage[0] == 0 && in.length() >= 2 && in.length() >= 2 + in.getUnsignedByte(1)) {
                boolean offersPassword = false;
                for (int i = 0; i < in.getUnsignedByte(1); i++) {
                    offersPassword |= in.getUnsignedByte(2 + i) == 2;
                }
                if (in.getUnsignedByte(0) != 5 || !offersPassword) {
                    socket.write(Buffer.buffer(new byte[] {5, (byte) 0xff})).onComplete(done -> socket.close());
                    return;
                }
                socket.write(Buffer.buffer(new byte[] {5, 2}));
                in = pending[0] = in.getBuffer(2 + in.getUnsignedByte(1), in.length());
                stage[0] = 1;
            }
            if (stage[0] == 1 && in.length() >= 2) {
                int userLength = in.getUnsignedByte(1);
                if (in.length() < 3 + userLength || in.length() < 3 + userLength + in.getUnsignedByte(2 + userLength)) {
                    return;
                }
                int passwordLength = in.getUnsignedByte(2 + userLength);
                String givenUser = in.getString(2, 2 + userLength, StandardCharsets.UTF_8.name());
                String givenPassword = in.getString(3 + userLength, 3 + userLength + passwordLength, StandardCharsets.UTF_8.name());
                if (!user.equals(givenUser) || !password.equals(givenPassword)) {
                    socket.write(Buffer.buffer(new byte[] {1, 1})).onComplete(done -> socket.close());
                    return;
                }
                socket.write(Buffer.buffer(new byte[] {1, 0}));
                in = pending[0] = in.getBuffer(3 + userLength + passwordLength, in.length());
                stage[0] = 2;
            }
            if (stage[0] == 2 && in.length() >= 5) {
                int type = in.getUnsignedByte(3);
                int addressLength = type == 1 ? 4 : type == 4 ? 16 : 1 + in.getUnsignedByte(4);
                if (in.length() < 4 + addressLength + 2) {
                    return;
                }
                String host = type == 3 ? in.getString(5, 4 + addressLength, StandardCharsets.US_ASCII.name())
                        : type == 1 ? in.getUnsignedByte(4) + "." + in.getUnsignedByte(5) + "." + in.getUnsignedByte(6) + "." + in.getUnsignedByte(7)
                        : null;
                int targetPort = in.getUnsignedShort(4 + addressLength);
                stage[0] = 3;
                socket.pause();
                if (host == null) {
                    socket.close();
                    return;
                }
                connect(socket, host, targetPort);
            }
        });
    }

    private void connect(NetSocket socket, String host, int targetPort) {
        client.connect(targetPort, host).onComplete(made -> {
            if (made.failed()) {
                socket.write(Buffer.buffer(new byte[] {5, 5, 0, 1, 0, 0, 0, 0, 0, 0})).onComplete(done -> socket.close());
                return;
            }
            connected.add(host + ":" + targetPort);
            NetSocket target = made.result();
            socket.write(Buffer.buffer(new byte[] {5, 0, 0, 1, 0, 0, 0, 0, 0, 0}));
            socket.handler(null);
            socket.closeHandler(ignored -> target.close());
            target.closeHandler(ignored -> socket.close());
            socket.pipeTo(target);
            target.pipeTo(socket);
        });
    }

    @Override
    public void close() {
        server.close();
        client.close();
    }
}
