package dev.asyncgateway.outbound;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * An outbound URL together with the address the policy approved for it. Requests built here connect
 * to that address and nowhere else (no second DNS lookup, so no rebinding window), while the Host
 * header and TLS SNI/certificate checks still use the host name from the URL.
 */
public record CheckedAddress(OutboundUrl url, InetAddress address) {

    public RequestOptions requestOptions(HttpMethod method) {
        return new RequestOptions()
                .setMethod(method)
                .setHost(url.host())
                .setPort(url.port())
                .setSsl(url.ssl())
                .setURI(url.pathAndQuery())
                .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(address, url.port())));
    }
}
