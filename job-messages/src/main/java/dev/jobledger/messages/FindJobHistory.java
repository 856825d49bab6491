package dev.jobledger.messages;

import java.time.Instant;
import java.util.UUID;

/**
 * A page of one job's events, read from the event store in sequence order. Answered with an optional
 * {@link JobHistoryPage}: empty when the job does not exist or the viewer may not see it.
 *
 * @param jobId the job
 * @param viewer who asks
 * @param from only events at or after this instant, or {@code null}
 * @param to only events at or before this instant, or {@code null}
 * @param page 1-based page number
 * @param pageSize events per page, 1 to 1000
 */
public record FindJobHistory(UUID jobId, Viewer viewer, Instant from, Instant to, int page, int pageSize) {}
