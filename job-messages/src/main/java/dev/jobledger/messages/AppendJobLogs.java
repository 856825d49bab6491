package dev.jobledger.messages;

import java.util.List;
import java.util.UUID;

/**
 * The running attempt appends a batch of log lines. One batch becomes one event, however many lines it holds.
 * Answered with a {@link ReportAck}; a batch from anything but the running attempt records nothing.
 *
 * @param jobId the job
 * @param attempt the reporting attempt, or {@code null} for the current one
 * @param entries the lines, in written order
 * @param batchId the worker's id for this batch, the same when it sends the batch again (a lost answer, a retry): a
 *     batch the running attempt already recorded is not recorded twice. {@code null} from workers that send none
 * @param actor the bridge
 */
public record AppendJobLogs(UUID jobId, Integer attempt, List<LogEntry> entries, String batchId, Actor actor)
        implements JobCommand {

    public AppendJobLogs(UUID jobId, Integer attempt, List<LogEntry> entries, Actor actor) {
        this(jobId, attempt, entries, null, actor);
    }
}
