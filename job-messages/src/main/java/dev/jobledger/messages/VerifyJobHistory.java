package dev.jobledger.messages;

import java.util.UUID;

/**
 * Check a job's hash chain against its stored events. Answered with an optional {@link JobHistoryVerification}: empty
 * when the job does not exist or the viewer may not see it.
 *
 * @param jobId the job
 * @param viewer who asks
 */
public record VerifyJobHistory(UUID jobId, Viewer viewer) {}
