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
import dev.jobledger.messages.Viewer;
import jakarta.persistence.EntityManager;
import jakarta.persistence.criteria.CriteriaBuilder;
import jakarta.persistence.criteria.CriteriaQuery;
import jakarta.persistence.criteria.Predicate;
import jakarta.persistence.criteria.Root;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.data.domain.Limit;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

@Component
@Transactional(readOnly = true)
class JobQueries {

    private static final Sort NEWEST_FIRST = Sort.by(Sort.Order.desc("createdAt"), Sort.Order.desc("id"));

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
        List<Specification<JobRow>> filters =
                filters(query.viewer(), query.jobType(), query.userId(), query.createdFrom(), query.createdTo());
        if (query.status() != null) {
            filters.add((job, q, cb) -> cb.equal(job.get("status"), query.status()));
        }
        var page = rows.findAll(
                Specification.allOf(filters), PageRequest.of(query.page() - 1, query.pageSize(), NEWEST_FIRST));
        return JobPage.of(
                page.getContent().stream().map(JobRow::toView).toList(),
                query.page(),
                query.pageSize(),
                page.getTotalElements());
    }

    @QueryHandler
    JobCounts count(CountJobs query) {
        Specification<JobRow> filter = Specification.allOf(
                filters(query.viewer(), query.jobType(), query.userId(), query.createdFrom(), query.createdTo()));
        CriteriaBuilder cb = entities.getCriteriaBuilder();
        CriteriaQuery<Object[]> counts = cb.createQuery(Object[].class);
        Root<JobRow> job = counts.from(JobRow.class);
        Predicate where = filter.toPredicate(job, counts, cb);
        if (where != null) {
            counts.where(where);
        }
        counts.multiselect(job.get("status"), cb.count(job)).groupBy(job.get("status"));
        Map<JobStatus, Long> byStatus = new EnumMap<>(JobStatus.class);
        for (Object[] row : entities.createQuery(counts).getResultList()) {
            byStatus.put((JobStatus) row[0], (Long) row[1]);
        }
        return new JobCounts(byStatus);
    }

    private static List<Specification<JobRow>> filters(
            Viewer viewer, String jobType, String userId, Instant createdFrom, Instant createdTo) {
        List<Specification<JobRow>> filters = new ArrayList<>();
        String owner = viewer.admin() ? userId : viewer.userId();
        if (owner != null) {
            filters.add((job, q, cb) -> cb.equal(job.get("userId"), owner));
        }
        if (jobType != null) {
            filters.add((job, q, cb) -> cb.equal(job.get("jobType"), jobType));
        }
        if (createdFrom != null) {
            filters.add((job, q, cb) -> cb.greaterThanOrEqualTo(job.get("createdAt"), createdFrom));
        }
        if (createdTo != null) {
            filters.add((job, q, cb) -> cb.lessThan(job.get("createdAt"), createdTo));
        }
        return filters;
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
