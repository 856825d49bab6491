package dev.jobledger.command.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobledger.messages.JobStatus;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The lifecycle table, checked over every pair of statuses against the table as the product defines it. */
class JobLifecycleTest {

    /** Rows: from. Columns, in enum order: PENDING, RUNNING, RETRYING, COMPLETED, FAILED, CANCELLED. */
    private static final String EXPECTED = """
            PENDING    . x . . x x
            RUNNING    . . x x x x
            RETRYING   . x . . x x
            COMPLETED  . . . . . .
            FAILED     x . . . . .
            CANCELLED  x . . . . .
            """;

    static Stream<Arguments> everyPairOfStatuses() {
        List<String> rows = EXPECTED.lines().toList();
        return rows.stream().flatMap(row -> {
            String[] cells = row.trim().split("\\s+");
            JobStatus from = JobStatus.valueOf(cells[0]);
            return Arrays.stream(JobStatus.values())
                    .map(to -> Arguments.of(from, to, "x".equals(cells[1 + to.ordinal()])));
        });
    }

    @ParameterizedTest(name = "{0} -> {1}: allowed={2}")
    @MethodSource("everyPairOfStatuses")
    void allowsExactlyTheStatusChangesOfTheTable(JobStatus from, JobStatus to, boolean allowed) {
        assertThat(JobLifecycle.allows(from, to)).isEqualTo(allowed);
        UUID job = UUID.randomUUID();
        if (allowed) {
            JobLifecycle.require(job, from, to);
        } else {
            assertThatThrownBy(() -> JobLifecycle.require(job, from, to))
                    .isInstanceOfSatisfying(JobTransitionRefused.class, refusal -> {
                        assertThat(refusal.from()).isEqualTo(from);
                        assertThat(refusal.to()).isEqualTo(to);
                        assertThat(refusal.getMessage()).contains(from.name(), to.name());
                    });
        }
    }
}
