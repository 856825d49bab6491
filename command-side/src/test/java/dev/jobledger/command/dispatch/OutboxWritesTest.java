package dev.jobledger.command.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A processor batch's outbox statements go as few JDBC batches, and each job's statements keep their order. */
class OutboxWritesTest {

    private static final String REMEMBER = "remember";
    private static final String SCHEDULE = "schedule";
    private static final String FORGET = "forget";

    private final OutboxWrites writes = new OutboxWrites();

    @Test
    void tenSubmissionsAreTwoBatchesWhateverTheirInterleaving() {
        List<UUID> jobs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            UUID job = UUID.randomUUID();
            jobs.add(job);
            writes.add(REMEMBER, job, job);
            writes.add(SCHEDULE, job, job);
        }

        assertThat(flushed())
                .extracting(Batch::sql, batch -> batch.jobs().size())
                .containsExactly(tuple(REMEMBER, 10), tuple(SCHEDULE, 10));
        assertThat(flushed()).isEmpty();
    }

    @Test
    void aJobsStatementsRunInTheOrderTheyCameWhileOtherJobsJoinEarlierBatches() {
        UUID retried = UUID.randomUUID();
        UUID cancelled = UUID.randomUUID();
        // The first job failed and was retried: forget, then schedule the next attempt.
        writes.add(FORGET, retried, retried);
        writes.add(SCHEDULE, retried, retried);
        // The second was submitted and cancelled in the same batch: schedule, then forget; never the other way round.
        writes.add(SCHEDULE, cancelled, cancelled);
        writes.add(FORGET, cancelled, cancelled);

        assertThat(flushed())
                .containsExactly(
                        new Batch(FORGET, List.of(retried)),
                        new Batch(SCHEDULE, List.of(retried, cancelled)),
                        new Batch(FORGET, List.of(cancelled)));
    }

    private record Batch(String sql, List<Object> jobs) {}

    private List<Batch> flushed() {
        List<Batch> batches = new ArrayList<>();
        writes.flush((sql, arguments) ->
                batches.add(new Batch(sql, arguments.stream().map(row -> row[0]).toList())));
        return batches;
    }
}
