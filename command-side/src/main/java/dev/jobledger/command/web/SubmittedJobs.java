package dev.jobledger.command.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.jobledger.messages.JobView;
import java.util.List;

/**
 * The answer to a batch of submissions: one outcome per job, in the order sent.
 *
 * @param jobs the outcomes
 */
record SubmittedJobs(List<Outcome> jobs) {

    boolean allAccepted() {
        return jobs.stream().allMatch(outcome -> outcome.status() == 202);
    }

    /**
     * One job's outcome, with the status its own {@code POST /api/jobs} would have answered.
     *
     * @param status 202 (recorded, or an idempotent repeat answering the job recorded before) or 422 (its
     *     idempotency key was used before with another request: nothing was recorded for it)
     * @param job the job, when accepted
     * @param detail why it was refused
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Outcome(int status, JobView job, String detail) {}
}
