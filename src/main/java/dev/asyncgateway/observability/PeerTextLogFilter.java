package dev.asyncgateway.observability;

import dev.asyncgateway.common.PeerText;
import io.quarkus.logging.LoggingFilter;
import org.jboss.logmanager.ExtLogRecord;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * Cleans every console log line that is not already clean: our own lines clean peer text before logging it, but
 * libraries (Vert.x's connection error log, for one) quote a peer's bytes as they came, NUL included. Clean lines
 * cost one scan and are left as they are.
 */
@LoggingFilter(name = "peer-text")
public final class PeerTextLogFilter implements Filter {

    /** Far above any line of ours; a library quoting a peer's megabyte header is cut here. */
    static final int MAX_LINE_BYTES = 16384;

    @Override
    public boolean isLoggable(LogRecord record) {
        String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
        if (message != null && (!PeerText.isClean(message) || message.length() > MAX_LINE_BYTES)) {
            String cleaned = PeerText.clean(message, MAX_LINE_BYTES);
            if (record instanceof ExtLogRecord ext) {
                ext.setMessage(cleaned, ExtLogRecord.FormatStyle.NO_FORMAT);
            } else {
                record.setMessage(cleaned);
                record.setParameters(null);
            }
        }
        return true;
    }
}
