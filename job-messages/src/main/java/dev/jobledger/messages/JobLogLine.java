package dev.jobledger.messages;

import java.time.Instant;
import java.util.Map;

/**
 * One line of a job's log as stored in the read model.
 *
 * @param sequence position in the job's whole log, 1-based, in written order
 * @param attempt the attempt that wrote it
 * @param level the severity
 * @param message the text
 * @param rowNumber the input row it is about, if any
 * @param meta structured details, if any
 * @param createdAt when it was recorded
 */
public record JobLogLine(
        long sequence,
        int attempt,
        LogLevel level,
        String message,
        Long rowNumber,
        Map<String, Object> meta,
        Instant createdAt) {}
