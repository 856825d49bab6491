package dev.jobledger.command.web;

import dev.jobledger.messages.LogEntry;
import dev.jobledger.messages.LogLevel;
import dev.jobledger.messages.Progress;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Request bodies of the worker bridge's internal endpoints. */
final class BridgeRequests {

    private BridgeRequests() {}

    private static final String TICKET = "Required. The attempt ticket of the record's SQS message (its `ticket`"
            + " field), or the one the start's PROCEED answer handed out. A record whose ticket does not admit its job"
            + " and attempt is answered 403 and changes nothing; the others go on.";

    /**
     * @param attempt the attempt the delivery was dispatched for, which its ticket admits
     * @param messageId the SQS message id of the delivery
     * @param requestId the Lambda request id of the invocation
     */
    record StartAttempt(
            @NotNull @Positive Integer attempt,
            @Size(max = 255) @StorableText String messageId,
            @Size(max = 255) @StorableText String requestId) {}

    /**
     * @param attempt the reporting attempt, which the call's ticket admits
     * @param entries the lines, in written order
     * @param batchId the worker's id for this batch, the same when it sends it again: a batch already recorded is
     *     not recorded twice
     */
    record AppendLogs(
            @NotNull @Positive Integer attempt,
            @NotEmpty @Size(max = 2000) List<@Valid @NotNull Entry> entries,
            @Size(max = 100) @StorableText String batchId) {}

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
     * @param attempt the reporting attempt, which the call's ticket admits
     * @param processed units handled so far
     * @param total units expected in all, if known
     * @param failed units that failed so far
     */
    record ReportProgress(
            @NotNull @Positive Integer attempt,
            @NotNull @PositiveOrZero Long processed,
            @PositiveOrZero Long total,
            @PositiveOrZero Long failed) {}

    /**
     * @param attempt the finishing attempt, which the call's ticket admits
     * @param result the handler's result
     */
    record Complete(@NotNull @Positive Integer attempt, Map<String, Object> result) {}

    /**
     * @param attempt the failing attempt, which the call's ticket admits
     * @param reason what went wrong
     * @param retryable whether another attempt may succeed
     */
    record Fail(
            @NotNull @Positive Integer attempt,
            @NotBlank @Size(max = 4000) @StorableText String reason,
            @NotNull Boolean retryable) {}

    /**
     * An attempt's progress as it ended, in its finish report (whose attempt it is).
     *
     * @param processed units handled
     * @param total units expected in all, if known
     * @param failed units that failed
     */
    record FinalProgress(
            @NotNull @PositiveOrZero Long processed,
            @PositiveOrZero Long total,
            @PositiveOrZero Long failed) {}

    /**
     * The records of one function invocation to start, in delivery order.
     *
     * @param requestId the Lambda request id of the invocation
     * @param attempts the deliveries, at most 100
     */
    record StartAttempts(
            @Size(max = 255) @StorableText String requestId,
            @NotEmpty @Size(max = 100) List<@Valid @NotNull AttemptToStart> attempts) {}

    /**
     * @param jobId the job of the delivery
     * @param attempt the attempt the delivery was dispatched for
     * @param messageId the SQS message id of the delivery
     * @param ticket the delivery's attempt ticket ({@code ticket} of its message), which must admit the job and attempt
     */
    record AttemptToStart(
            @NotNull UUID jobId,
            @NotNull @Positive Integer attempt,
            @Size(max = 255) @StorableText String messageId,
            @Schema(description = TICKET) @Size(max = 255) String ticket) {}

    /**
     * How the attempts of one function invocation ended, with what each still had to report.
     *
     * @param requestId the Lambda request id of the invocation
     * @param reports the ended attempts, at most 100
     */
    record FinishAttempts(
            @Size(max = 255) @StorableText String requestId,
            @NotEmpty @Size(max = 100) List<@Valid @NotNull AttemptReport> reports) {}

    /** How an attempt ended. */
    enum AttemptOutcome {
        COMPLETED,
        FAILED
    }

    /**
     * @param jobId the job
     * @param attempt the ending attempt
     * @param messageId the SQS message id of the delivery it ran for
     * @param ticket the attempt's ticket, which must admit the job and attempt
     * @param outcome COMPLETED or FAILED
     * @param result the handler's result (COMPLETED)
     * @param reason what went wrong (FAILED)
     * @param retryable whether another attempt may succeed (FAILED)
     * @param logs the attempt's last log lines, recorded before its end
     * @param progress the attempt's final progress
     */
    record AttemptReport(
            @NotNull UUID jobId,
            @NotNull @Positive Integer attempt,
            @Size(max = 255) @StorableText String messageId,
            @Schema(description = TICKET) @Size(max = 255) String ticket,
            @NotNull AttemptOutcome outcome,
            Map<String, Object> result,
            @Size(max = 4000) @StorableText String reason,
            Boolean retryable,
            @Size(max = 2000) List<@Valid @NotNull Entry> logs,
            @Valid FinalProgress progress) {

        @AssertTrue(message = "a FAILED report needs a reason and retryable")
        boolean isFailureExplained() {
            return outcome != AttemptOutcome.FAILED || (reason != null && !reason.isBlank() && retryable != null);
        }

        List<LogEntry> logEntries() {
            return logs == null
                    ? List.of()
                    : logs.stream().map(Entry::toLogEntry).toList();
        }

        Progress finalProgress() {
            return progress == null
                    ? null
                    : new Progress(
                            progress.processed(), progress.total(), progress.failed() == null ? 0 : progress.failed());
        }
    }
}
