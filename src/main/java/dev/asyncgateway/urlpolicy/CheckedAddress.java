package dev.asyncgateway.urlpolicy;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.net.SocketAddress;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.WebClient;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

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
        HttpRequest<Buffer> request = client.request(method, server, options);
        if (url.userInfo() != null) {
            int colon = url.userInfo().indexOf(':');
            String user = colon < 0 ? url.userInfo() : url.userInfo().substring(0, colon);
            String password = colon < 0 ? "" : url.userInfo().substring(colon + 1);
            request.basicAuthentication(decode(user), decode(password));
        }
        return request;
    }

    private static String decode(String percentEncoded) {
        return URLDecoder.decode(percentEncoded.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
