package dev.asyncgateway.callback;

import dev.asyncgateway.common.ClientError;
import dev.asyncgateway.common.SecretBox;
import dev.asyncgateway.common.SecretsAtRest;
import dev.asyncgateway.store.StoredSecretsStore.SecretColumn;
import dev.asyncgateway.store.StoredSecretsStore.SecretRow;
import dev.asyncgateway.store.StoredSecretsStore.SecretTable;
import dev.asyncgateway.store.StoredSecretsStore;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Re-encrypts every stored secret under the current key of {@code gateway.secrets-key}: values sealed under an
 * older key, and values stored in clear before a key was set. After a run that reports nothing left over, the
 * older keys can be dropped from the setting. Rows are read and written a page at a time, so a run holds no lock
 * for long and its crypto work comes in slices of a few milliseconds; running it again is harmless.
 */
@ApplicationScoped
public class SecretReEncryption {

    private static final Logger LOG = Logger.getLogger(SecretReEncryption.class);
    /** Rows per statement: a page costs the event loop a few milliseconds of crypto and JSON, not more. */
    static final int PAGE_SIZE = 200;

    @Inject
    StoredSecretsStore store;

    @Inject
    SecretsAtRest secrets;

    @Inject
    WebhookHeaderCodec headers;

    /**
     * What a run did, counted in rows.
     *
     * @param keyId            the key everything was re-encrypted under
     * @param checked          rows read that can hold a secret
     * @param reEncrypted      rows written under the current key
     * @param changedMeanwhile rows that changed between read and write; run again to re-encrypt them
     * @param unreadable       rows with a secret that no configured key opens (logged with their ids); they stay as they are
     */
    @RegisterForReflection
    public record Report(String keyId, long checked, long reEncrypted, long changedMeanwhile, long unreadable) {

        Report plus(long checkedRows, long written, long raced, long unreadableRows) {
            return new Report(keyId, checked + checkedRows, reEncrypted + written, changedMeanwhile + raced,
                    unreadable + unreadableRows);
        }
    }

    /** Re-encrypts all tables, one after the other; 409 when no key is configured. */
    public Uni<Report> reEncryptAll() {
        if (!secrets.hasKey()) {
            throw ClientError.conflict("GATEWAY_SECRETS_KEY is not set: there is no key to re-encrypt under");
        }
        Uni<Report> run = Uni.createFrom().item(new Report(secrets.currentKeyId(), 0, 0, 0, 0));
        for (SecretTable table : SecretTable.values()) {
            run = run.chain(report -> reEncrypt(table, null, report));
        }
        return run.invoke(report -> LOG.infof("re-encrypted stored secrets under key id %s: %d rows checked, %d written, "
                        + "%d changed meanwhile, %d unreadable", report.keyId(), report.checked(), report.reEncrypted(),
                report.changedMeanwhile(), report.unreadable()));
    }

    /** The pages of one table after {@code after}, one at a time. */
    private Uni<Report> reEncrypt(SecretTable table, SecretRow after, Report report) {
        return store.page(table, after, PAGE_SIZE).chain(rows -> {
            List<SecretRow> read = new ArrayList<>();
            List<SecretRow> changed = new ArrayList<>();
            int unreadable = 0;
            for (SecretRow row : rows) {
                try {
                    SecretRow resealed = resealed(table, row);
                    if (!resealed.equals(row)) {
                        read.add(row);
                        changed.add(resealed);
                    }
                } catch (SecretBox.UnreadableSecretException e) {
                    LOG.warnf("cannot re-encrypt %s %s: %s", table.name().toLowerCase(Locale.ROOT), row.key(),
                            e.getMessage());
                    unreadable++;
                }
            }
            int unreadableRows = unreadable;
            return store.update(table, read, changed).chain(written -> {
                Report next = report.plus(rows.size(), written, changed.size() - written, unreadableRows);
                return rows.size() < PAGE_SIZE ? Uni.createFrom().item(next) : reEncrypt(table, rows.get(rows.size() - 1), next);
            });
        });
    }

    private SecretRow resealed(SecretTable table, SecretRow row) {
        List<SecretColumn> columns = table.columns();
        List<String> values = new ArrayList<>(columns.size());
        for (int c = 0; c < columns.size(); c++) {
            String stored = row.values().get(c);
            values.add(switch (columns.get(c).content()) {
                case SECRET -> secrets.reseal(stored);
                case URL -> secrets.resealUrl(stored);
                case HEADERS -> headers.reseal(stored);
            });
        }
        return row.withValues(values);
    }
}
