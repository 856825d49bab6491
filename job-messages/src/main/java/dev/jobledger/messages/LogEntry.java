package dev.jobledger.messages;

import java.util.Map;

/**
 * One line of a job's log, as written by its handler.
 *
 * @param level the severity
 * @param message the text
 * @param rowNumber the input row the line is about, if any (1-based)
 * @param meta structured details, if any
 */
public record LogEntry(LogLevel level, String message, Long rowNumber, Map<String, Object> meta) {}
