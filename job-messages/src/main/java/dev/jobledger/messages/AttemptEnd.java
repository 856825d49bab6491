package dev.jobledger.messages;

import java.util.List;

/**
 * An event that ends an attempt ({@link JobCompleted}, {@link JobAttemptFailed}, {@link JobFailed}) and carries what
 * its worker still held when it ended: the last log lines and the final progress. Riding on the end, they cost no
 * event of their own. Events written before carry none: their lines and progress came as {@link JobLogsAppended} and
 * {@link JobProgressed} just before them.
 */
public interface AttemptEnd extends JobEvent {

    /** The attempt that ended. */
    int attempt();

    /** The attempt's final progress, or {@code null} when it was reported on its own. */
    Progress progress();

    /** The position of {@link #logs()}' first line in the job's whole log (1-based); 0 when there are none. */
    long firstLogSequence();

    /** The attempt's last lines, in written order; empty when there were none. */
    List<LogEntry> logs();
}
