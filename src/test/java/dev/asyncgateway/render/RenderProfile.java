package dev.asyncgateway.render;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * A local Chromium found on PATH ({@code .ci/run} installs Debian's {@code chromium} when it is missing), and a URL
 * policy that opens exactly the allowed page server's address, so that 127.0.0.2 stands for a refused private network.
 * The gateway starts that Chromium through a wrapper that adds {@code --ignore-certificate-errors}, so that the test
 * pages served over https with a self-signed certificate ({@code PageServer.tls()}) load. The narrower
 * {@code --ignore-certificate-errors-spki-list} (trust one key) works for a page loaded in Chromium's default context,
 * but the renders, which run in browser contexts of their own with their own proxy, still failed with
 * ERR_CERT_AUTHORITY_INVALID under it.
 */
public class RenderProfile implements QuarkusTestProfile {

    private static final Path CHROMIUM = chromiumAcceptingSelfSignedCertificates();

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("gateway.render.chromium", CHROMIUM.toString()),
                Map.entry("gateway.render.enabled", "true"),
                Map.entry("gateway.render.concurrency", "2"),
                Map.entry("gateway.render.network-idle", "200ms"),
                Map.entry("gateway.render.network-idle-max-wait", "2s"),
                Map.entry("gateway.render.max-requests-per-page", "100"),
                // A page that exhausts memory crashes its renderer within a second instead of taking the machine's.
                Map.entry("gateway.render.page-heap-mb", "64"),
                Map.entry("gateway.fetch.attempt-timeout", "10s"),
                Map.entry("gateway.url-policy.allow-private-networks", "false"),
                Map.entry("gateway.url-policy.allow-cidrs", "127.0.0.1/32"));
    }

    private static Path chromiumAcceptingSelfSignedCertificates() {
        String script = "#!/bin/sh\n"
                + "for name in chromium chromium-browser google-chrome headless_shell; do\n"
                + "  if command -v \"$name\" >/dev/null 2>&1; then\n"
                + "    exec \"$name\" --ignore-certificate-errors \"$@\"\n"
                + "  fi\n"
                + "done\n"
                + "echo 'no Chromium on PATH' >&2\n"
                + "exit 127\n";
        try {
            Path wrapper = Files.createTempDirectory("chromium-wrapper").resolve("chromium");
            Files.writeString(wrapper, script);
            Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
            return wrapper;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
