package dev.jobledger.messages;

import java.time.Instant;
import java.util.UUID;

/**
 * A job exactly as it was at an instant, rebuilt by replaying its events up to that instant. Answered with an
 * optional {@link JobView}: empty when the job did not exist yet, does not exist, or the viewer may not see it.
 *
 * @param jobId the job
 * @param viewer who asks
 * @param asOf the instant
 */
public record FindJobAsOf(UUID jobId, Viewer viewer, Instant asOf) {}
