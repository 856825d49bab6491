package dev.jobledger.messages;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The running attempt finished successfully. Repeated for the same attempt, it changes nothing. Answered with a
 * {@link JobView}.
 *
 * @param jobId the job
 * @param attempt the finishing attempt, or {@code null} for the current one
 * @param result the handler's result, a JSON object, or {@code null}
 * @param actor the bridge
 * @param finalLogs the attempt's last log lines, recorded on the completion event itself, or empty
 * @param finalProgress the attempt's final progress, recorded on the completion, or {@code null}
 */
public record CompleteJob(
        UUID jobId,
        Integer attempt,
        Map<String, Object> result,
        Actor actor,
        List<LogEntry> finalLogs,
        Progress finalProgress)
        implements JobCommand {

    public CompleteJob {
        finalLogs = finalLogs == null ? List.of() : List.copyOf(finalLogs);
    }

    /** A completion with nothing riding on it. */
    public CompleteJob(UUID jobId, Integer attempt, Map<String, Object> result, Actor actor) {
        this(jobId, attempt, result, actor, List.of(), null);
    }
}
