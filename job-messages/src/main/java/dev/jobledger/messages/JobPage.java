package dev.jobledger.messages;

import java.util.List;

/**
 * One page of jobs, newest first: the answer to {@link FindJobs}.
 *
 * @param items the page's jobs
 * @param page 1-based page number
 * @param pageSize the requested page size
 * @param total jobs matching the query
 * @param totalPages pages matching the query
 */
public record JobPage(List<JobView> items, int page, int pageSize, long total, int totalPages) {

    public JobPage {
        items = List.copyOf(items);
    }

    public static JobPage of(List<JobView> items, int page, int pageSize, long total) {
        return new JobPage(items, page, pageSize, total, PageCount.of(total, pageSize));
    }
}
