package dev.asyncgateway.outbound;

import dev.asyncgateway.config.GatewayConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SSRF table: the policy as shipped (public addresses only), one row per refused or allowed form. */
class OutboundUrlPolicyTest {

    private final OutboundUrlPolicy publicOnly = new OutboundUrlPolicy(settings(false, List.of(), List.of()));

    @ParameterizedTest(name = "{0} is refused: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            http://127.0.0.1/                     | a loopback address
            http://127.8.9.10:8080/x              | a loopback address
            http://2130706433/                    | points to 127.0.0.1, a loopback address
            http://0177.0.0.1/                    | points to 127.0.0.1, a loopback address
            http://0x7f.1/                        | points to 127.0.0.1, a loopback address
            http://0x7f000001/                    | points to 127.0.0.1, a loopback address
            http://127.1/                         | points to 127.0.0.1, a loopback address
            http://0/                             | the unspecified address
            http://0.0.0.0:80/                    | the unspecified address
            http://0.1.2.3/                       | a 'this network' address
            http://[::]/                          | the unspecified address
            http://[::1]/                         | a loopback address
            http://[0:0:0:0:0:0:0:1]:9000/        | a loopback address
            http://localhost/                     | names localhost, which resolves to 127.0.0.1, a loopback address
            http://LOCALHOST:8080/                | names localhost
            http://api.localhost/                 | names api.localhost
            http://10.0.0.1/                      | a private (RFC 1918) address
            http://172.16.0.1/                    | a private (RFC 1918) address
            http://172.31.255.255/                | a private (RFC 1918) address
            http://192.168.1.1/                   | a private (RFC 1918) address
            http://169.254.169.254/latest/        | a link-local address
            http://100.64.0.1/                    | a carrier-grade NAT (RFC 6598) address
            http://100.127.255.254/               | a carrier-grade NAT (RFC 6598) address
            http://224.0.0.1/                     | a multicast address
            http://239.255.255.250:1900/          | a multicast address
            http://255.255.255.255/               | the broadcast address
            http://0xffffffff/                    | the broadcast address
            http://240.0.0.1/                     | a reserved or special-purpose address
            http://192.0.2.10/                    | a reserved or special-purpose address
            http://198.18.0.1/                    | a reserved or special-purpose address
            http://[fc00::1]/                     | a unique local IPv6 address
            http://[fd12:3456::1]/                | a unique local IPv6 address
            http://[fe80::1]/                     | a link-local address
            http://[fec0::1]/                     | a site-local IPv6 address
            http://[ff02::1]/                     | a multicast address
            http://[::ffff:127.0.0.1]/            | which embeds 127.0.0.1, a loopback address
            http://[::ffff:7f00:1]/               | which embeds 127.0.0.1, a loopback address
            http://[::ffff:10.1.2.3]/             | which embeds 10.1.2.3, a private (RFC 1918) address
            http://[::ffff:169.254.169.254]/      | which embeds 169.254.169.254, a link-local address
            http://[::127.0.0.1]/                 | which embeds 127.0.0.1, a loopback address
            http://[64:ff9b::a9fe:a9fe]/          | which embeds 169.254.169.254, a link-local address
            http://[2002:7f00:1::]/               | which embeds 127.0.0.1, a loopback address
            http://[2002:c0a8:101::1]/            | which embeds 192.168.1.1, a private (RFC 1918) address
            http://[::ffff:0:127.0.0.1]/          | which embeds 127.0.0.1, a loopback address
            http://[::ffff:0:7f00:1]/             | which embeds 127.0.0.1, a loopback address
            http://[::ffff:0:a9fe:a9fe]/          | which embeds 169.254.169.254, a link-local address
            http://[0:0:0:0:ffff:0:10.0.0.1]/     | which embeds 10.0.0.1, a private (RFC 1918) address
            http://[::ffff:0:0.0.0.0]/            | which embeds 0.0.0.0, the unspecified address
            http://[64:ff9b::127.0.0.1]/          | which embeds 127.0.0.1, a loopback address
            http://[64:ff9b::10.0.0.1]/           | which embeds 10.0.0.1, a private (RFC 1918) address
            http://[::10.0.0.1]/                  | which embeds 10.0.0.1, a private (RFC 1918) address
            http://[::ffff:100.64.0.1]/           | which embeds 100.64.0.1, a carrier-grade NAT (RFC 6598) address
            http://[2002:a9fe:a9fe::]/            | which embeds 169.254.169.254, a link-local address
            http://[2002:0a00:0001:1::1]/         | which embeds 10.0.0.1, a private (RFC 1918) address
            http://[2001:0:4136:e378::1]/         | a reserved or special-purpose address
            http://[2001:db8::1]/                 | a reserved or special-purpose address
            ftp://example.com/                    | must be an http or https URL
            file:///etc/passwd                    | must be an http or https URL
            gopher://example.com:70/              | must be an http or https URL
            javascript:alert(1)                   | must be an http or https URL
            http:///path                          | must name a host
            http://exa mple.com/                  | is not a valid URL
            http://%6c%6fcalhost/                 | does not name a valid host
            http://user:pw@example.com/           | must not contain credentials
            """)
    void refusedTargets(String url, String reason) {
        UrlPolicyViolation violation = assertThrows(UrlPolicyViolation.class,
                () -> publicOnly.check(url, OutboundUrlPolicy.Use.TARGET));
        assertTrue(violation.getMessage().contains(reason), () -> url + " refused, but for: " + violation.getMessage());
    }

    @ParameterizedTest(name = "{0} is allowed")
    @ValueSource(strings = {
            "http://93.184.216.34/",
            "https://93.184.216.34:8443/path?q=1",
            "http://[2606:2800:220:1::]/",
            "https://[2606:2800:220:1:248:1893:25c8:1946]:443/",
            "http://[::ffff:93.184.216.34]/",
            "http://[::ffff:0:93.184.216.34]/",
            "http://[64:ff9b::93.184.216.34]/",
            "http://[2002:5db8:d822::1]/",
            "http://8.8.8.8/",
            "http://100.128.0.1/",
            "http://172.32.0.1/",
            "https://example.com/a/b?c=d#frag",
            "HTTPS://Example.COM:8443",
            "http://xn--bcher-kva.example/"})
    void publicTargetsAreAllowed(String url) {
        assertDoesNotThrow(() -> publicOnly.check(url, OutboundUrlPolicy.Use.TARGET));
    }

    @Test
    void oddSpellingsAreConnectedToAsTheAddressThatWasChecked() {
        OutboundUrl url = publicOnly.check("http://1572395042:8080/a?b=c#f", OutboundUrlPolicy.Use.TARGET);
        assertEquals("93.184.216.34", url.literal().toString());
        assertEquals("93.184.216.34", url.host());
        assertEquals(8080, url.port());
        assertEquals("/a?b=c", url.pathAndQuery());
    }

    @Test
    void namesAreLeftToTheConnectTimeCheck() {
        OutboundUrl url = publicOnly.check("https://Example.com", OutboundUrlPolicy.Use.TARGET);
        assertNull(url.literal());
        assertEquals("example.com", url.host());
        assertEquals(443, url.port());
        assertEquals("/", url.pathAndQuery());
    }

    @Test
    void aNameIsRefusedWhenAnyOfItsAddressesIsRefused() {
        var addresses = List.of(new inet.ipaddr.IPAddressString("93.184.216.34").getAddress(),
                new inet.ipaddr.IPAddressString("10.0.0.5").getAddress());
        UrlPolicyViolation violation = assertThrows(UrlPolicyViolation.class,
                () -> publicOnly.checkResolved("rebind.example", addresses));
        assertTrue(violation.getMessage().contains("names rebind.example, which resolves to 10.0.0.5"));
    }

    @Test
    void callbackUrlsMayCarryBasicAuthCredentialsTargetsMayNot() {
        assertDoesNotThrow(() -> publicOnly.check("https://user:p%40ss@example.com/hook", OutboundUrlPolicy.Use.CALLBACK));
        assertThrows(UrlPolicyViolation.class,
                () -> publicOnly.check("https://user:p%40ss@example.com/hook", OutboundUrlPolicy.Use.TARGET));
        assertThrows(UrlPolicyViolation.class,
                () -> publicOnly.check("https://user:pw@127.0.0.1/hook", OutboundUrlPolicy.Use.CALLBACK));
    }

    @Test
    void privateNetworksOpenWithTheSettingButNonHostAddressesStayRefused() {
        OutboundUrlPolicy open = new OutboundUrlPolicy(settings(true, List.of(), List.of()));
        for (String url : List.of("http://127.0.0.1:8080/", "http://localhost/", "http://10.1.2.3/", "http://[::1]/",
                "http://169.254.169.254/", "http://[fd00::1]/", "http://[::ffff:127.0.0.1]/")) {
            assertDoesNotThrow(() -> open.check(url, OutboundUrlPolicy.Use.TARGET), url);
        }
        for (String url : List.of("http://0.0.0.0/", "http://[::]/", "http://224.0.0.1/", "http://255.255.255.255/")) {
            assertThrows(UrlPolicyViolation.class, () -> open.check(url, OutboundUrlPolicy.Use.TARGET), url);
        }
    }

    @Test
    void allowedCidrsOpenOnlyTheirBlocks() {
        OutboundUrlPolicy internal = new OutboundUrlPolicy(settings(false, List.of("10.1.0.0/16", "fd00:1::/64"), List.of()));
        assertDoesNotThrow(() -> internal.check("http://10.1.200.3/", OutboundUrlPolicy.Use.TARGET));
        assertDoesNotThrow(() -> internal.check("http://[fd00:1::7]/", OutboundUrlPolicy.Use.TARGET));
        assertDoesNotThrow(() -> internal.check("http://[::ffff:10.1.0.9]/", OutboundUrlPolicy.Use.TARGET));
        assertThrows(UrlPolicyViolation.class, () -> internal.check("http://10.2.0.1/", OutboundUrlPolicy.Use.TARGET));
        assertThrows(UrlPolicyViolation.class, () -> internal.check("http://127.0.0.1/", OutboundUrlPolicy.Use.TARGET));
    }

    @Test
    void onlyAllowedPortsPassWhenPortsAreRestricted() {
        OutboundUrlPolicy webPorts = new OutboundUrlPolicy(settings(false, List.of(), List.of(80, 443)));
        assertDoesNotThrow(() -> webPorts.check("http://example.com/", OutboundUrlPolicy.Use.TARGET));
        assertDoesNotThrow(() -> webPorts.check("https://example.com:443/", OutboundUrlPolicy.Use.TARGET));
        UrlPolicyViolation violation = assertThrows(UrlPolicyViolation.class,
                () -> webPorts.check("http://example.com:6379/", OutboundUrlPolicy.Use.TARGET));
        assertTrue(violation.getMessage().contains("port 6379"));
    }

    private static GatewayConfig.UrlPolicy settings(boolean allowPrivate, List<String> cidrs, List<Integer> ports) {
        return new GatewayConfig.UrlPolicy() {
            @Override
            public boolean allowPrivateNetworks() {
                return allowPrivate;
            }

            @Override
            public Optional<List<String>> allowCidrs() {
                return cidrs.isEmpty() ? Optional.empty() : Optional.of(cidrs);
            }

            @Override
            public Optional<List<Integer>> allowedPorts() {
                return ports.isEmpty() ? Optional.empty() : Optional.of(ports);
            }

            @Override
            public Duration dnsTimeout() {
                return Duration.ofSeconds(1);
            }

            @Override
            public Optional<List<String>> dnsServers() {
                return Optional.empty();
            }
        };
    }
}
