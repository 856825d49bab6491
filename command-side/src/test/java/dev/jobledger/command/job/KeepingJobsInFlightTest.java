package dev.jobledger.command.job;

import static dev.jobledger.command.job.JobEvents.BRIDGE;
import static dev.jobledger.command.job.JobEvents.JOB;
import static dev.jobledger.command.job.JobEvents.aJob;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobledger.messages.CompleteJob;
import dev.jobledger.messages.Delivery;
import dev.jobledger.messages.StartJobAttempt;
import java.util.Map;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The job cache holds the jobs in flight: a job stays between its commands and leaves once its end is recorded. */
class KeepingJobsInFlightTest {

    private final JobCache.Bounded cache = new JobCache.Bounded(100);
    private AggregateTestFixture<Job> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Job.class);
        fixture.registerCommandTargetResolver(new JobCommandRouting());
        // The fixture's check for state changes outside event sourcing handlers loads the job in a unit of work it
        // rolls back, which takes it out of the cache; JobTest makes that check.
        fixture.setReportIllegalStateChange(false);
        // Outside a batch the repository checks a cached job with the event store alone; it reads no table.
        fixture.registerRepository(new JobCache.Checked(
                EventSourcingRepository.builder(Job.class).eventStore(fixture.getEventStore()),
                cache,
                fixture.getEventStore(),
                null));
    }

    @Test
    void aStartedJobStaysInMemoryForItsNextCommand() {
        fixture.given(aJob().submitted().dispatched().list())
                .when(new StartJobAttempt(JOB, 1, new Delivery("msg-1", "req-1"), BRIDGE))
                .expectSuccessfulHandlerExecution();

        assertThat(cache.containsKey(JOB.toString())).isTrue();
    }

    @Test
    void aCompletedJobLeavesMemory() {
        fixture.given(aJob().submitted().dispatched().started().list())
                .when(new CompleteJob(JOB, 1, Map.of("imported", 10), BRIDGE))
                .expectSuccessfulHandlerExecution();

        assertThat(cache.containsKey(JOB.toString())).isFalse();
    }
}
