package dev.asyncgateway.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * One self-signed key and certificate for 127.0.0.1, made once per test JVM by the JDK's own {@code keytool}, for
 * test servers that speak TLS.
 */
public final class SelfSignedTls {

    public static final String PASSWORD = "test-tls-password";
    private static final Path KEY_STORE = create();

    private SelfSignedTls() {
    }

    /** A PKCS#12 key store holding the key and its certificate, protected by {@link #PASSWORD}. */
    public static Path keyStore() {
        return KEY_STORE;
    }

    private static Path create() {
        try {
            Path file = Files.createTempDirectory("test-tls").resolve("server.p12");
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "test-server", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                    .redirectErrorStream(true).start();
            String output = new String(keytool.getInputStream().readAllBytes());
            if (!keytool.waitFor(30, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            return file;
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the test key", e);
        }
    }
}
