package dev.jobledger.query.job;

import dev.jobledger.messages.FindJobLogs;
import dev.jobledger.messages.JobLogPage;
import java.util.Optional;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

@Component
@Transactional(readOnly = true)
class JobLogQueries {

    private final JobRows jobs;
    private final JobLogRows logs;

    JobLogQueries(JobRows jobs, JobLogRows logs) {
        this.jobs = jobs;
        this.logs = logs;
    }

    @QueryHandler
    Optional<JobLogPage> find(FindJobLogs query) {
        boolean visible = jobs.findById(query.jobId())
                .filter(job -> query.viewer().maySee(job.userId()))
                .isPresent();
        if (!visible) {
            return Optional.empty();
        }
        PageRequest page = PageRequest.of(query.page() - 1, query.pageSize());
        var lines = query.level() == null
                ? logs.findByJobIdOrderBySequence(query.jobId(), page)
                : logs.findByJobIdAndLevelOrderBySequence(query.jobId(), query.level(), page);
        return Optional.of(JobLogPage.of(
                lines.getContent().stream().map(JobLogRow::toLine).toList(),
                query.page(),
                query.pageSize(),
                lines.getTotalElements()));
    }
}
