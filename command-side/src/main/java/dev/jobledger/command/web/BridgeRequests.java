package dev.jobledger.command.web;

import dev.jobledger.messages.LogEntry;
import dev.jobledger.messages.LogLevel;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;

/** Request bodies of the worker bridge's internal endpoints. */
final class BridgeRequests {

    private BridgeRequests() {}

    /**
     * @param attempt the attempt the delivery was dispatched for; the next one when absent
     * @param messageId the SQS message id of the delivery
     * @param requestId the Lambda request id of the invocation
     */
    record StartAttempt(
            @Positive Integer attempt,
            @Size(max = 255) @StorableText String messageId,
            @Size(max = 255) @StorableText String requestId) {}

    /**
     * @param attempt the reporting attempt; the current one when absent
     * @param entries the lines, in written order
     */
    record AppendLogs(
            @Positive Integer attempt,
            @NotEmpty @Size(max = 1000) List<@Valid @NotNull Entry> entries) {}

    /**
     * @param level the severity
     * @param message the text
     * @param rowNumber the input row it is about (1-based), if any
     * @param meta structured details, if any
     */
    record Entry(
            @NotNull LogLevel level,
            @NotBlank @Size(max = 8000) @StorableText String message,
            @Positive Long rowNumber,
            Map<String, Object> meta) {

        LogEntry toLogEntry() {
            return new LogEntry(level, message, rowNumber, meta);
        }
    }

    /**
     * @param attempt the reporting attempt; the current one when absent
     * @param processed units handled so far
     * @param total units expected in all, if known
     * @param failed units that failed so far
     */
    record ReportProgress(
            @Positive Integer attempt,
            @NotNull @PositiveOrZero Long processed,
            @PositiveOrZero Long total,
            @PositiveOrZero Long failed) {}

    /**
     * @param attempt the finishing attempt; the current one when absent
     * @param result the handler's result
     */
    record Complete(@Positive Integer attempt, Map<String, Object> result) {}

    /**
     * @param attempt the failing attempt; the current one when absent
     * @param reason what went wrong
     * @param retryable whether another attempt may succeed
     */
    record Fail(
            @Positive Integer attempt,
            @NotBlank @Size(max = 4000) @StorableText String reason,
            @NotNull Boolean retryable) {}
}
