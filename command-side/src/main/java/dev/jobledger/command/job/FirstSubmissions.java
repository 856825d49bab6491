package dev.jobledger.command.job;

import dev.jobledger.messages.SubmitJob;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * A submission with an idempotency key ({@link SubmitJob}) names an id that a job may have already, so Axon reads the
 * store for it (its snapshot, then its events) before the job decides: with keys, the pipeline spent about a quarter
 * more CPU per job than without (docs/benchmarks.md, twenty-fourth round). Most keys are new. One query finds the ids
 * under which the store holds no job, and those submissions are sent as {@link dev.jobledger.messages.SubmitNewJob},
 * created without a read. The store settles a race: a job recorded under such an id after the query (the same key
 * sent twice at once) makes the append fail at its unique sequence, and the submission is then sent again as it was,
 * to be answered on that job ({@link BatchedCommands}).
 */
@Component
class FirstSubmissions {

    private final JobCache.StoredVersions stored;

    FirstSubmissions(JdbcTemplate jdbc, EventSchema schema) {
        this.stored = new JobCache.StoredVersions(jdbc, schema);
    }

    /**
     * The commands in their order, each keyed submission of an id no job has yet replaced by its creation. An id
     * submitted twice among them is created once: the later submission reads the job the earlier one created.
     */
    List<Object> withoutReads(List<?> commands) {
        Set<String> keyed = new LinkedHashSet<>();
        for (Object command : commands) {
            if (command instanceof SubmitJob submission) {
                keyed.add(submission.jobId().toString());
            }
        }
        List<Object> sent = new ArrayList<>(commands);
        if (keyed.isEmpty()) {
            return sent;
        }
        Map<String, Long> versions = stored.lastSequenceNumbers(List.copyOf(keyed));
        Set<String> created = new HashSet<>();
        for (int index = 0; index < sent.size(); index++) {
            if (sent.get(index) instanceof SubmitJob submission) {
                String jobId = submission.jobId().toString();
                if (versions.get(jobId) == null && created.add(jobId)) {
                    sent.set(index, Job.asNew(submission));
                }
            }
        }
        return sent;
    }
}
