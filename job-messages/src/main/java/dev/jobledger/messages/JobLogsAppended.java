package dev.jobledger.messages;

import java.util.List;
import java.util.UUID;

/**
 * The running attempt wrote a batch of log lines.
 *
 * @param jobId the job
 * @param attempt the writing attempt
 * @param firstSequence the position of the first entry in the job's whole log (1-based); entry {@code i} has
 *     position {@code firstSequence + i}, which keeps the written order and makes projections idempotent
 * @param entries the lines, in written order
 * @param actor the bridge
 * @param batchId the worker's id for the batch, by which a batch sent again is recognised; absent in events written
 *     before workers sent one
 */
public record JobLogsAppended(
        UUID jobId, int attempt, long firstSequence, List<LogEntry> entries, Actor actor, String batchId)
        implements JobEvent {

    public JobLogsAppended(UUID jobId, int attempt, long firstSequence, List<LogEntry> entries, Actor actor) {
        this(jobId, attempt, firstSequence, entries, actor, null);
    }
}
