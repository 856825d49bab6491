package dev.jobledger.messages;

import java.util.List;
import java.util.UUID;

/**
 * The answer to {@link FindDeadLetteredJobs}.
 *
 * @param jobIds dead-lettered jobs, oldest first
 */
public record DeadLetteredJobs(List<UUID> jobIds) {

    public DeadLetteredJobs {
        jobIds = List.copyOf(jobIds);
    }
}
