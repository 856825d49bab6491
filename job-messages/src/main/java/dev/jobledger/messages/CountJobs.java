package dev.jobledger.messages;

import java.time.Instant;

/**
 * How many of the jobs the viewer may see are in each status, under the same filters as {@link FindJobs} but the
 * status. Answered with a {@link JobCounts}.
 *
 * @param viewer who asks
 * @param jobType only this type, or {@code null}
 * @param userId only this owner's jobs (admins only), or {@code null}
 * @param createdFrom only jobs submitted at or after this instant, or {@code null}
 * @param createdTo only jobs submitted before this instant, or {@code null}
 */
public record CountJobs(Viewer viewer, String jobType, String userId, Instant createdFrom, Instant createdTo) {}
