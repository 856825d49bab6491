package dev.jobledger.query.job;

import dev.jobledger.messages.CountJobs;
import dev.jobledger.messages.DeadLetteredJobs;
import dev.jobledger.messages.FindDeadLetteredJobs;
import dev.jobledger.messages.FindJob;
import dev.jobledger.messages.FindJobs;
import dev.jobledger.messages.FindStalledJobs;
import dev.jobledger.messages.JobCounts;
import dev.jobledger.messages.JobPage;
import dev.jobledger.messages.JobStatus;
import dev.jobledger.messages.JobView;
import dev.jobledger.messages.StalledJobs;
import jakarta.persistence.EntityManager;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

@Component
@Transactional(readOnly = true)
class JobQueries {

    private final JobRows rows;
    private final EntityManager entities;

    JobQueries(JobRows rows, EntityManager entities) {
        this.rows = rows;
        this.entities = entities;
    }

    @QueryHandler
    Optional<JobView> find(FindJob query) {
        return rows.findById(query.jobId())
                .filter(row -> query.viewer().maySee(row.userId()))
                .map(JobRow::toView);
    }

    @QueryHandler
    JobPage find(FindJobs query) {
        JobFilter filter = JobFilter.of(
                query.viewer(),
                query.jobType(),
                query.status(),
                query.userId(),
                query.createdFrom(),
                query.createdTo());
        int offset = (query.page() - 1) * query.pageSize();
        List<JobRow> page = filter.query(
                        entities, "select j from JobRow j", " order by j.createdAt desc, j.id desc", JobRow.class)
                .setFirstResult(offset)
                .setMaxResults(query.pageSize())
                .getResultList();
        // As Spring Data's pages do: a short page that is not past the end tells the total without counting.
        long total = page.size() < query.pageSize() && (offset == 0 || !page.isEmpty())
                ? offset + page.size()
                : filter.query(entities, "select count(j) from JobRow j", "", Long.class)
                        .getSingleResult();
        return JobPage.of(page.stream().map(JobRow::toView).toList(), query.page(), query.pageSize(), total);
    }

    @QueryHandler
    JobCounts count(CountJobs query) {
        JobFilter filter = JobFilter.of(
                query.viewer(), query.jobType(), null, query.userId(), query.createdFrom(), query.createdTo());
        Map<JobStatus, Long> byStatus = new EnumMap<>(JobStatus.class);
        for (Object[] row : filter.query(
                        entities, "select j.status, count(j) from JobRow j", " group by j.status", Object[].class)
                .getResultList()) {
            byStatus.put((JobStatus) row[0], (Long) row[1]);
        }
        return new JobCounts(byStatus);
    }

    @QueryHandler
    DeadLetteredJobs find(FindDeadLetteredJobs query) {
        return new DeadLetteredJobs(rows.findDeadLettered(Limit.of(query.limit())));
    }

    @QueryHandler
    StalledJobs find(FindStalledJobs query) {
        return new StalledJobs(rows.findStalled(
                query.waitingUnchangedSince(), query.runningUnchangedSince(), Limit.of(query.limit())));
    }
}
