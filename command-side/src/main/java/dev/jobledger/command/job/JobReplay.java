package dev.jobledger.command.job;

import dev.jobledger.messages.JobView;
import java.util.Iterator;
import java.util.Optional;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.modelling.command.inspection.AggregateModel;
import org.axonframework.modelling.command.inspection.AnnotatedAggregateMetaModelFactory;

/**
 * A job's state after a prefix of its events, rebuilt with the aggregate's own event sourcing handlers: the audit
 * trail's answer to "what did the ledger know about this job at that moment" can never drift from what the aggregate
 * decided on.
 */
public final class JobReplay {

    private static final AggregateModel<Job> MODEL = AnnotatedAggregateMetaModelFactory.inspectAggregate(Job.class);

    private JobReplay() {}

    /** The job after the given events, or empty when there are none. */
    public static Optional<JobView> replay(Iterator<? extends EventMessage<?>> events) {
        if (!events.hasNext()) {
            return Optional.empty();
        }
        Job job = new Job();
        events.forEachRemaining(event -> MODEL.publish(event, job));
        return Optional.of(job.view());
    }
}
