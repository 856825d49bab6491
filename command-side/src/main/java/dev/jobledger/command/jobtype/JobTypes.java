package dev.jobledger.command.jobtype;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The job types the ledger accepts, by name, with their settings. A type not listed here is refused at submission.
 *
 * @param types settings per job type
 * @param defaultQueue the queue of types that name none
 */
@ConfigurationProperties("jobledger.jobs")
public record JobTypes(
        Map<String, JobType> types, @DefaultValue("jobs") String defaultQueue) {

    public JobTypes {
        types = types == null ? Map.of() : Map.copyOf(types);
    }

    public Optional<JobType> find(String jobType) {
        return Optional.ofNullable(types.get(jobType));
    }

    /** The type's own queue, or the default one. */
    public String queueOf(JobType type) {
        return type.queue() == null ? defaultQueue : type.queue();
    }

    /**
     * How long the job waits after its {@code failedAttempts}-th failed attempt: exponential from the type's first
     * backoff, capped at its maximum.
     */
    public Duration backoffAfter(String jobType, int failedAttempts) {
        JobType type = find(jobType).orElse(JobType.DEFAULTS);
        long factor = 1L << Math.min(Math.max(failedAttempts - 1, 0), 20);
        Duration backoff = type.retryBackoff().multipliedBy(factor);
        return backoff.compareTo(type.maxRetryBackoff()) > 0 ? type.maxRetryBackoff() : backoff;
    }

    /**
     * @param requiresFile whether a submission must include a file
     * @param queue the queue to dispatch to, or {@code null} for the default
     * @param defaultMaxAttempts the budget when the submission names none
     * @param retryBackoff the wait after the first failed attempt; it doubles with every further one
     * @param maxRetryBackoff the longest wait between attempts
     */
    public record JobType(
            boolean requiresFile,
            String queue,
            @DefaultValue("3") int defaultMaxAttempts,
            @DefaultValue("30s") Duration retryBackoff,
            @DefaultValue("15m") Duration maxRetryBackoff) {

        static final JobType DEFAULTS = new JobType(false, null, 3, Duration.ofSeconds(30), Duration.ofMinutes(15));
    }
}
