package dev.jobledger.command.web;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The job types the ledger accepts, by name. A type not listed here is refused at submission.
 *
 * @param types settings per job type
 * @param defaultQueue the queue of types that name none
 */
@ConfigurationProperties("jobledger.jobs")
record JobTypeProperties(
        Map<String, JobType> types, @DefaultValue("jobs") String defaultQueue) {

    JobTypeProperties {
        types = types == null ? Map.of() : Map.copyOf(types);
    }

    /**
     * @param requiresFile whether a submission must include a file
     * @param queue the queue to dispatch to, or {@code null} for the default
     * @param defaultMaxAttempts the budget when the submission names none
     */
    record JobType(
            boolean requiresFile,
            String queue,
            @DefaultValue("3") int defaultMaxAttempts) {}
}
