package dev.jobledger.messages;

import java.time.Instant;

/**
 * A page of the jobs the viewer may see, newest first. Answered with a {@link JobPage}.
 *
 * @param viewer who asks
 * @param jobType only this type, or {@code null}
 * @param status only this status, or {@code null}
 * @param userId only this owner's jobs (admins only), or {@code null}
 * @param createdFrom only jobs submitted at or after this instant, or {@code null}
 * @param createdTo only jobs submitted before this instant, or {@code null}
 * @param page 1-based page number
 * @param pageSize items per page, 1 to 100
 */
public record FindJobs(
        Viewer viewer,
        String jobType,
        JobStatus status,
        String userId,
        Instant createdFrom,
        Instant createdTo,
        int page,
        int pageSize) {

    public FindJobs(Viewer viewer, String jobType, JobStatus status, String userId, int page, int pageSize) {
        this(viewer, jobType, status, userId, null, null, page, pageSize);
    }
}
