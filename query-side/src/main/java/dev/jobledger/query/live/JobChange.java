package dev.jobledger.query.live;

import dev.jobledger.messages.JobStatus;
import dev.jobledger.messages.Progress;
import java.time.Instant;
import java.util.UUID;

/**
 * What a live stream sends for a changed job: what a list row or a job page shows changing, not the whole job (the
 * payload and result are read once from {@code GET /api/jobs/{id}}).
 *
 * @param index the global index of the last event applied to the job, also the event's SSE id
 * @param logCount lines in the job's log so far; a larger count than the reader has means new lines to fetch
 */
record JobChange(
        long index,
        UUID jobId,
        String jobType,
        String userId,
        JobStatus status,
        int attempt,
        int attempts,
        int maxAttempts,
        Progress progress,
        long logCount,
        String errorReason,
        boolean deadLettered,
        Instant updatedAt) {}
