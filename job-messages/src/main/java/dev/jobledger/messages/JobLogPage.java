package dev.jobledger.messages;

import java.util.List;

/**
 * One page of a job's log, in written order: the answer to {@link FindJobLogs}.
 *
 * @param items the page's lines
 * @param page 1-based page number
 * @param pageSize the requested page size
 * @param total lines matching the query
 * @param totalPages pages matching the query
 */
public record JobLogPage(List<JobLogLine> items, int page, int pageSize, long total, int totalPages) {

    public JobLogPage {
        items = List.copyOf(items);
    }

    public static JobLogPage of(List<JobLogLine> items, int page, int pageSize, long total) {
        return new JobLogPage(items, page, pageSize, total, PageCount.of(total, pageSize));
    }
}
