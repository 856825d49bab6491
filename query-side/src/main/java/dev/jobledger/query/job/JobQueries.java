package dev.jobledger.query.job;

import dev.jobledger.messages.DeadLetteredJobs;
import dev.jobledger.messages.FindDeadLetteredJobs;
import dev.jobledger.messages.FindJob;
import dev.jobledger.messages.FindJobs;
import dev.jobledger.messages.FindStalledJobs;
import dev.jobledger.messages.JobPage;
import dev.jobledger.messages.JobView;
import dev.jobledger.messages.StalledJobs;
import java.util.ArrayList;
import java.util.List;
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

    JobQueries(JobRows rows) {
        this.rows = rows;
    }

    @QueryHandler
    Optional<JobView> find(FindJob query) {
        return rows.findById(query.jobId())
                .filter(row -> query.viewer().maySee(row.userId()))
                .map(JobRow::toView);
    }

    @QueryHandler
    JobPage find(FindJobs query) {
        List<Specification<JobRow>> filters = new ArrayList<>();
        String owner = query.viewer().admin() ? query.userId() : query.viewer().userId();
        if (owner != null) {
            filters.add((job, q, cb) -> cb.equal(job.get("userId"), owner));
        }
        if (query.jobType() != null) {
            filters.add((job, q, cb) -> cb.equal(job.get("jobType"), query.jobType()));
        }
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
    DeadLetteredJobs find(FindDeadLetteredJobs query) {
        return new DeadLetteredJobs(rows.findDeadLettered(Limit.of(query.limit())));
    }

    @QueryHandler
    StalledJobs find(FindStalledJobs query) {
        return new StalledJobs(rows.findStalled(
                query.waitingUnchangedSince(), query.runningUnchangedSince(), Limit.of(query.limit())));
    }
}
