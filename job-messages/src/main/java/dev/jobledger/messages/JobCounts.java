package dev.jobledger.messages;

import java.util.EnumMap;
import java.util.Map;

/**
 * Jobs per status: the answer to {@link CountJobs}. Every status is present, with 0 when no job has it.
 *
 * @param byStatus the count of each status
 */
public record JobCounts(Map<JobStatus, Long> byStatus) {

    public JobCounts {
        Map<JobStatus, Long> all = new EnumMap<>(JobStatus.class);
        for (JobStatus status : JobStatus.values()) {
            all.put(status, byStatus.getOrDefault(status, 0L));
        }
        byStatus = java.util.Collections.unmodifiableMap(all);
    }

    public long total() {
        return byStatus.values().stream().mapToLong(Long::longValue).sum();
    }
}
