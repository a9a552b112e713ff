package dev.asyncgateway.observability;

import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.Logger;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/** The gateway's log lines while open, each with the trace ids its MDC carried when it was written. */
final class LogLines extends Handler implements AutoCloseable {

    record Line(String message, String traceId, String spanId) {
    }

    private static final String CATEGORY = "dev.asyncgateway";

    private final List<Line> lines = new CopyOnWriteArrayList<>();

    static LogLines capture() {
        LogLines handler = new LogLines();
        Logger.getLogger(CATEGORY).addHandler(handler);
        return handler;
    }

    List<Line> containing(String text) {
        return lines.stream().filter(line -> line.message().contains(text)).toList();
    }

    @Override
    public void publish(LogRecord record) {
        ExtLogRecord ext = (ExtLogRecord) record;
        lines.add(new Line(ext.getFormattedMessage(), ext.getMdc("traceId"), ext.getMdc("spanId")));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger(CATEGORY).removeHandler(this);
    }
}
