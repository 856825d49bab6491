package dev.jobledger.command.job;

import dev.jobledger.messages.JobStatus;
import java.util.UUID;

/** A command asked for a status change the lifecycle does not allow. Answered as 409 Conflict. */
public class JobTransitionRefused extends RuntimeException {

    private final UUID jobId;
    private final JobStatus from;
    private final JobStatus to;

    JobTransitionRefused(UUID jobId, JobStatus from, JobStatus to, String detail) {
        super("Job " + jobId + ": " + detail);
        this.jobId = jobId;
        this.from = from;
        this.to = to;
    }

    public UUID jobId() {
        return jobId;
    }

    public JobStatus from() {
        return from;
    }

    public JobStatus to() {
        return to;
    }
}
