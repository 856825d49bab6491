package dev.jobledger.messages;

import java.util.UUID;

/**
 * Find one job the viewer may see. Answered with an optional {@link JobView}: empty when the job does not exist or
 * belongs to someone else, which callers must not tell apart.
 *
 * @param jobId the job
 * @param viewer who asks
 */
public record FindJob(UUID jobId, Viewer viewer) {}
