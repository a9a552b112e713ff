package dev.asyncgateway.config;

import io.quarkus.runtime.ExecutionMode;
import io.quarkus.runtime.ImageMode;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.logging.Logger;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The embedded PostgreSQL ({@link LocalPostgres}) in place of the configured datasource, decided once per start
 * while Quarkus builds its run-time configuration (before Flyway migrates and before any pool opens):
 * <ul>
 *   <li>{@code gateway.database.embedded=auto} (dev mode's default): only when nothing answers at the host and port
 *       of {@code quarkus.datasource.reactive.url}; where a server answers, it is used as configured;</li>
 *   <li>{@code true} (GATEWAY_DATABASE_EMBEDDED=true, single-instance trials, not for production): always;</li>
 *   <li>{@code false} (the default, so production never starts one by itself): never.</li>
 * </ul>
 * The cluster lives in {@code gateway.database.embedded-directory}, so its data survives restarts; it listens on
 * a free port of 127.0.0.1 and stops with the JVM. A source of ordinal 500 then points the reactive and the JDBC
 * URLs (and the user) at it, above system properties and environment variables, since it replaces them.
 * Not active during the build (only at run-time initialisation), and JVM-only.
 */
public class EmbeddedDatabaseConfigSourceFactory implements ConfigSourceFactory {

    static final String MODE = "gateway.database.embedded";
    static final String DIRECTORY = "gateway.database.embedded-directory";
    private static final String REACTIVE_URL = "quarkus.datasource.reactive.url";
    private static final Logger LOG = Logger.getLogger(EmbeddedDatabaseConfigSourceFactory.class);

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (ExecutionMode.current() != ExecutionMode.RUNTIME_INIT) {
            return List.of();
        }
        String mode = value(context, MODE).orElse("false").trim().toLowerCase(Locale.ROOT);
        if (mode.equals("false")) {
            return List.of();
        }
        if (!mode.equals("auto") && !mode.equals("true")) {
            throw new IllegalArgumentException(MODE + " (GATEWAY_DATABASE_EMBEDDED) must be false, auto or true, not '" + mode + "'");
        }
        Optional<String> configuredUrl = value(context, REACTIVE_URL);
        Optional<Target> configured = configuredUrl.flatMap(Target::parse);
        if (mode.equals("auto") && (configured.isEmpty() || LocalPostgres.answers(configured.get().host, configured.get().port))) {
            return List.of();
        }
        if (ImageMode.current() == ImageMode.NATIVE_RUN) {
            throw new IllegalStateException("the embedded PostgreSQL runs with the JVM build only; a native executable needs"
                    + " a PostgreSQL server (QUARKUS_DATASOURCE_REACTIVE_URL)"
                    + configured.map(t -> ", and none answers at " + t.host + ":" + t.port).orElse(""));
        }
        Path directory = Path.of(value(context, DIRECTORY).orElse("embedded-postgres")).toAbsolutePath().normalize();
        String database = configured.map(t -> t.database).orElse("postgres");
        String hostPort = LocalPostgres.serve(directory, Map.of(), true);
        LocalPostgres.createDatabase(hostPort, database, false);
        if (mode.equals("auto")) {
            LOG.infof("No PostgreSQL answers at %s:%d, so the gateway runs its embedded PostgreSQL at %s (data in %s, stopped"
                            + " with the application). To use a server instead, start it or set QUARKUS_DATASOURCE_REACTIVE_URL.",
                    configured.get().host, configured.get().port, hostPort, directory);
        } else {
            LOG.warnf("GATEWAY_DATABASE_EMBEDDED=true: the gateway runs its embedded PostgreSQL at %s (data in %s); for"
                    + " single-instance trials, not for production", hostPort, directory);
        }

        String reactiveUrl = "postgresql://" + hostPort + "/" + database;
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put(REACTIVE_URL, reactiveUrl);
        overrides.put("quarkus.datasource.jdbc.url", "jdbc:" + reactiveUrl);
        overrides.put("quarkus.datasource.username", LocalPostgres.USER);
        Map<String, String> properties = new LinkedHashMap<>(overrides);
        // Profile-specific keys of lower sources must not win over these either.
        for (String profile : context.getProfiles()) {
            overrides.forEach((name, value) -> properties.put("%" + profile + "." + name, value));
        }
        return List.of(new PropertiesConfigSource(properties, "EmbeddedPostgres[" + hostPort + "]", 500));
    }

    private static Optional<String> value(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        return Optional.ofNullable(value == null ? null : value.getValue()).filter(v -> !v.isBlank());
    }

    /** Host, port and database of a {@code postgresql://} URL with one host; empty for anything else. */
    record Target(String host, int port, String database) {

        static Optional<Target> parse(String url) {
            try {
                URI uri = new URI(url.trim());
                if (uri.getScheme() == null || !uri.getScheme().startsWith("postgres") || uri.getHost() == null) {
                    return Optional.empty();
                }
                String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
                String database = path.isEmpty() ? "postgres" : path;
                if (!database.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    return Optional.empty();
                }
                return Optional.of(new Target(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 5432, database));
            } catch (URISyntaxException e) {
                return Optional.empty();
            }
        }
    }
}
