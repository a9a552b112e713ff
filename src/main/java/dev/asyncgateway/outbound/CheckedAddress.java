package dev.asyncgateway.outbound;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.net.SocketAddress;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.WebClient;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * An outbound URL together with the address the policy approved for it. Requests built here connect
 * to that address and nowhere else (no second DNS lookup, so no rebinding window), while the Host
 * header and TLS SNI/certificate checks still use the host name from the URL.
 */
public record CheckedAddress(OutboundUrl url, InetAddress address) {

    public HttpRequest<Buffer> request(WebClient client, HttpMethod method) {
        RequestOptions options = new RequestOptions()
                .setHost(url.host())
                .setPort(url.port())
                .setSsl(url.ssl())
                .setURI(url.pathAndQuery());
        SocketAddress server = SocketAddress.newInstance(
                io.vertx.core.net.SocketAddress.inetSocketAddress(new InetSocketAddress(address, url.port())));
        return client.request(method, server, options);
    }
}
