package dev.jobledger.messages;

/**
 * A page of the jobs the viewer may see, newest first. Answered with a {@link JobPage}.
 *
 * @param viewer who asks
 * @param jobType only this type, or {@code null}
 * @param status only this status, or {@code null}
 * @param userId only this owner's jobs (admins only), or {@code null}
 * @param page 1-based page number
 * @param pageSize items per page, 1 to 100
 */
public record FindJobs(Viewer viewer, String jobType, JobStatus status, String userId, int page, int pageSize) {}
