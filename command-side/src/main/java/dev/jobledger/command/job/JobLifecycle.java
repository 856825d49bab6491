package dev.jobledger.command.job;

import static dev.jobledger.messages.JobStatus.CANCELLED;
import static dev.jobledger.messages.JobStatus.COMPLETED;
import static dev.jobledger.messages.JobStatus.FAILED;
import static dev.jobledger.messages.JobStatus.PENDING;
import static dev.jobledger.messages.JobStatus.RETRYING;
import static dev.jobledger.messages.JobStatus.RUNNING;

import dev.jobledger.messages.JobStatus;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The one table of allowed status changes. Every command that changes a job's status asks it first, so the rules
 * can be read, reviewed and tested in one place.
 */
final class JobLifecycle {

    private static final Map<JobStatus, Set<JobStatus>> ALLOWED = new EnumMap<>(JobStatus.class);

    static {
        ALLOWED.put(PENDING, EnumSet.of(RUNNING, CANCELLED, FAILED));
        ALLOWED.put(RUNNING, EnumSet.of(COMPLETED, RETRYING, FAILED, CANCELLED));
        ALLOWED.put(RETRYING, EnumSet.of(RUNNING, CANCELLED, FAILED));
        ALLOWED.put(COMPLETED, EnumSet.noneOf(JobStatus.class));
        ALLOWED.put(FAILED, EnumSet.of(PENDING));
        ALLOWED.put(CANCELLED, EnumSet.of(PENDING));
    }

    private JobLifecycle() {}

    static boolean allows(JobStatus from, JobStatus to) {
        return ALLOWED.get(from).contains(to);
    }

    static void require(UUID jobId, JobStatus from, JobStatus to) {
        if (!allows(from, to)) {
            throw new JobTransitionRefused(jobId, from, to, "a " + from + " job cannot become " + to);
        }
    }

    /** Whether no worker will ever run this job again unless someone retries it. */
    static boolean isFinished(JobStatus status) {
        return status == COMPLETED || status == FAILED || status == CANCELLED;
    }
}
