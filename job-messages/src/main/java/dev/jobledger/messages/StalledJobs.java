package dev.jobledger.messages;

import java.util.List;
import java.util.UUID;

/**
 * The answer to {@link FindStalledJobs}.
 *
 * @param jobIds candidates, oldest change first
 */
public record StalledJobs(List<UUID> jobIds) {

    public StalledJobs {
        jobIds = List.copyOf(jobIds);
    }
}
