package dev.asyncgateway.testsupport;

import io.vertx.core.net.PfxOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Self-signed keys and certificates for test servers that speak TLS, made by the JDK's own {@code keytool}. */
public final class SelfSignedTls {

    private static final String PASSWORD = "changeit";

    private SelfSignedTls() {
    }

    /**
     * A new EC key with a self-signed certificate for {@code subjectAlternativeName} (as keytool writes it, e.g.
     * {@code ip:127.0.0.1} or {@code dns:gateway.test}), in a PKCS#12 key store: a server's key and certificate, or the
     * trust of a client that is to accept exactly that server.
     */
    public static PfxOptions keyCertFor(String subjectAlternativeName) {
        try {
            Path store = Files.createTempDirectory("test-tls").resolve("server.p12");
            String name = subjectAlternativeName.substring(subjectAlternativeName.indexOf(':') + 1);
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=" + name, "-ext", "SAN=" + subjectAlternativeName, "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                    .redirectErrorStream(true).start();
            String output = new String(keytool.getInputStream().readAllBytes());
            if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            return new PfxOptions().setPath(store.toString()).setPassword(PASSWORD);
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a test key for " + subjectAlternativeName, e);
        }
    }
}
