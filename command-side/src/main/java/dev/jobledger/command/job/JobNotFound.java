package dev.jobledger.command.job;

import java.util.UUID;

/**
 * The job does not exist, or belongs to another user: callers must not be able to tell the two apart. Answered as
 * 404 Not Found.
 */
public class JobNotFound extends RuntimeException {

    public JobNotFound(UUID jobId) {
        super("Job " + jobId + " was not found");
    }
}
