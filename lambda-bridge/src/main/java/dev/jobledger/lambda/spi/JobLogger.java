package dev.jobledger.lambda.spi;

import dev.jobledger.messages.LogLevel;
import java.util.Map;

/**
 * The job's log, as users see it in the ledger. Lines are buffered and sent in batches; they keep their written order.
 * {@code rowNumber} is the 1-based input row a line is about ({@code null} when none); {@code meta} holds structured
 * details (JSON-serialisable values), or {@code null}.
 */
public interface JobLogger {

    void log(LogLevel level, Long rowNumber, String message, Map<String, Object> meta);

    default void debug(String message) {
        log(LogLevel.DEBUG, null, message, null);
    }

    default void info(String message) {
        log(LogLevel.INFO, null, message, null);
    }

    default void info(String message, Map<String, Object> meta) {
        log(LogLevel.INFO, null, message, meta);
    }

    default void warn(String message) {
        log(LogLevel.WARNING, null, message, null);
    }

    default void warn(long rowNumber, String message, Map<String, Object> meta) {
        log(LogLevel.WARNING, rowNumber, message, meta);
    }

    default void error(String message) {
        log(LogLevel.ERROR, null, message, null);
    }

    default void error(long rowNumber, String message, Map<String, Object> meta) {
        log(LogLevel.ERROR, rowNumber, message, meta);
    }
}
