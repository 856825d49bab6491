package dev.jobledger.messages;

import java.util.UUID;

/**
 * A page of one job's log, in written order. Answered with an optional {@link JobLogPage}: empty
 * when the viewer may not see the job.
 *
 * @param jobId the job
 * @param viewer who asks
 * @param level only this level, or {@code null}
 * @param page 1-based page number
 * @param pageSize items per page, 1 to 100
 */
public record FindJobLogs(UUID jobId, Viewer viewer, LogLevel level, int page, int pageSize) {}
