package dev.jobledger.messages;

import java.util.List;
import java.util.UUID;

/**
 * One page of a job's history: the answer to {@link FindJobHistory}. Events are streamed from the store, so the page
 * says whether more follow instead of counting them all.
 *
 * @param jobId the job
 * @param items the page's events, in sequence order
 * @param page 1-based page number
 * @param pageSize the requested page size
 * @param hasMore whether a later page has events
 */
public record JobHistoryPage(UUID jobId, List<JobHistoryEvent> items, int page, int pageSize, boolean hasMore) {

    public JobHistoryPage {
        items = List.copyOf(items);
    }
}
