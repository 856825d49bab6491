package dev.jobledger.query.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobledger.messages.Actor;
import dev.jobledger.messages.CountJobs;
import dev.jobledger.messages.FindJobs;
import dev.jobledger.messages.JobCancelled;
import dev.jobledger.messages.JobCounts;
import dev.jobledger.messages.JobPage;
import dev.jobledger.messages.JobStatus;
import dev.jobledger.messages.JobSubmitted;
import dev.jobledger.messages.JobView;
import dev.jobledger.messages.Viewer;
import dev.jobledger.testing.LedgerIntegrationTest;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The list and the counts on the real table, every filter alone and together. Rows are written by the projection for
 * owners of this test only (the running processors never see these jobs), submitted an hour apart.
 */
class JobQueriesTest extends LedgerIntegrationTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @Autowired
    private JobProjection projection;

    @Autowired
    private JobQueries queries;

    private final String alice = "alice-" + UUID.randomUUID();
    private final String bob = "bob-" + UUID.randomUUID();

    /** alice: example at T0, csv-import at T0+1h (cancelled), example at T0+2h; bob: example at T0+1h. */
    private UUID aliceFirst, aliceCancelled, aliceLast, bobsJob;

    @BeforeEach
    void jobs() {
        aliceFirst = submitted(alice, "example", T0);
        aliceCancelled = submitted(alice, "csv-import", T0.plusSeconds(3600));
        projection.on(
                new JobCancelled(aliceCancelled, JobStatus.PENDING, "no", Actor.user(alice)),
                1,
                T0.plusSeconds(3601),
                null);
        aliceLast = submitted(alice, "example", T0.plusSeconds(7200));
        bobsJob = submitted(bob, "example", T0.plusSeconds(3600));
    }

    private UUID submitted(String owner, String jobType, Instant at) {
        UUID job = UUID.randomUUID();
        projection.on(
                new JobSubmitted(job, jobType, owner, "jobs", 3, Map.of(), null, Map.of(), Actor.user(owner)),
                0,
                at,
                null);
        return job;
    }

    private JobPage page(Viewer viewer, String jobType, JobStatus status, String userId, Instant from, Instant to) {
        return queries.find(new FindJobs(viewer, jobType, status, userId, from, to, 1, 100));
    }

    private static Map<JobStatus, Long> nonZero(JobCounts counts) {
        Map<JobStatus, Long> nonZero = new EnumMap<>(JobStatus.class);
        counts.byStatus().forEach((status, count) -> {
            if (count > 0) {
                nonZero.put(status, count);
            }
        });
        return nonZero;
    }

    private static List<UUID> ids(JobPage page) {
        return page.items().stream().map(JobView::jobId).toList();
    }

    @Test
    void aUserSeesOwnJobsNewestFirstWhateverOwnerTheyAskFor() {
        Viewer aliceViewing = new Viewer(alice, false);

        assertThat(ids(page(aliceViewing, null, null, null, null, null)))
                .containsExactly(aliceLast, aliceCancelled, aliceFirst);
        assertThat(ids(page(aliceViewing, null, null, bob, null, null)))
                .containsExactly(aliceLast, aliceCancelled, aliceFirst);
    }

    @Test
    void anAdminSeesTheOwnerAskedFor() {
        Viewer admin = new Viewer("root", true);

        assertThat(ids(page(admin, null, null, bob, null, null))).containsExactly(bobsJob);
    }

    @Test
    void eachFilterNarrowsTheListAndTheyCombine() {
        Viewer viewer = new Viewer(alice, false);

        assertThat(ids(page(viewer, "example", null, null, null, null))).containsExactly(aliceLast, aliceFirst);
        assertThat(ids(page(viewer, null, JobStatus.CANCELLED, null, null, null)))
                .containsExactly(aliceCancelled);
        assertThat(ids(page(viewer, null, null, null, T0.plusSeconds(3600), null)))
                .as("createdFrom includes its instant")
                .containsExactly(aliceLast, aliceCancelled);
        assertThat(ids(page(viewer, null, null, null, null, T0.plusSeconds(3600))))
                .as("createdTo excludes its instant")
                .containsExactly(aliceFirst);
        assertThat(ids(page(viewer, "example", JobStatus.PENDING, null, T0, T0.plusSeconds(7200))))
                .containsExactly(aliceFirst);
    }

    @Test
    void everyPageTellsTheTotalAlsoPastTheLast() {
        Viewer viewer = new Viewer(alice, false);

        JobPage first = queries.find(new FindJobs(viewer, null, null, null, 1, 2));
        JobPage last = queries.find(new FindJobs(viewer, null, null, null, 2, 2));
        JobPage beyond = queries.find(new FindJobs(viewer, null, null, null, 3, 2));
        JobPage single = queries.find(new FindJobs(viewer, null, null, null, 1, 10));

        assertThat(ids(first)).containsExactly(aliceLast, aliceCancelled);
        assertThat(ids(last)).containsExactly(aliceFirst);
        assertThat(beyond.items()).isEmpty();
        assertThat(List.of(first.total(), last.total(), beyond.total(), single.total()))
                .containsOnly(3L);
        assertThat(first.totalPages()).isEqualTo(2);
    }

    @Test
    void countsAreByStatusUnderTheSameFilters() {
        Viewer viewer = new Viewer(alice, false);

        assertThat(nonZero(queries.count(new CountJobs(viewer, null, null, null, null))))
                .isEqualTo(Map.of(JobStatus.PENDING, 2L, JobStatus.CANCELLED, 1L));
        assertThat(nonZero(queries.count(new CountJobs(viewer, "example", null, T0.plusSeconds(1), null))))
                .isEqualTo(Map.of(JobStatus.PENDING, 1L));
        assertThat(nonZero(queries.count(new CountJobs(new Viewer("root", true), null, bob, null, null))))
                .isEqualTo(Map.of(JobStatus.PENDING, 1L));
    }
}
