package dev.asyncgateway.outbound;

import inet.ipaddr.IPAddress;

/**
 * An outbound URL that passed the policy's checks on its form, taken apart the way the policy saw it,
 * so the connection uses exactly the host and port that were checked.
 *
 * @param host        the host as written, without IPv6 brackets; for the Host header and TLS SNI
 * @param literal     the address when the host is an IP address in any spelling, else null (a name, resolved at connect time)
 * @param pathAndQuery the request target: raw path (at least {@code /}) and query, without the fragment
 */
public record OutboundUrl(String url, boolean ssl, String host, int port, IPAddress literal, String pathAndQuery) {
}
