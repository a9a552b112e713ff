package dev.asyncgateway.observability;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeerTextLogFilterTest {

    private final PeerTextLogFilter filter = new PeerTextLogFilter();

    @Test
    void aLibraryLineQuotingANulIsCleanedAndStillLogged() {
        ExtLogRecord record = new ExtLogRecord(Level.SEVERE, "For input string: \"2\0\"", ExtLogRecord.FormatStyle.NO_FORMAT,
                "io.vertx.core.net.impl.ConnectionBase");

        assertTrue(filter.isLoggable(record));
        assertEquals("For input string: \"2\uFFFD\"", record.getFormattedMessage());
    }

    @Test
    void peerTextInParametersIsCleanedToo() {
        ExtLogRecord record = new ExtLogRecord(Level.WARNING, "header %s", ExtLogRecord.FormatStyle.PRINTF, "test");
        record.setParameters(new Object[] {"X-Nul\0Name"});

        filter.isLoggable(record);
        assertEquals("header X-Nul\uFFFDName", record.getFormattedMessage());
    }

    @Test
    void aHugeLineIsCut() {
        ExtLogRecord record = new ExtLogRecord(Level.WARNING, "h".repeat(1 << 20), ExtLogRecord.FormatStyle.NO_FORMAT, "test");

        filter.isLoggable(record);
        assertTrue(record.getFormattedMessage().length() <= PeerTextLogFilter.MAX_LINE_BYTES);
    }

    @Test
    void aCleanLineIsLeftAsItIs() {
        ExtLogRecord record = new ExtLogRecord(Level.INFO, "job %s finished", ExtLogRecord.FormatStyle.PRINTF, "test");
        record.setParameters(new Object[] {"42"});

        filter.isLoggable(record);
        assertEquals("job %s finished", record.getMessage());
        assertEquals("job 42 finished", record.getFormattedMessage());
    }
}
