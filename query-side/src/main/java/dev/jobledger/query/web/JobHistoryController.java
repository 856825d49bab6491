package dev.jobledger.query.web;

import static dev.jobledger.query.web.JobQueryController.notFound;
import static dev.jobledger.query.web.JobQueryController.notFoundAt;
import static dev.jobledger.query.web.JobQueryController.problem;

import dev.jobledger.messages.Caller;
import dev.jobledger.messages.FindJobAsOf;
import dev.jobledger.messages.FindJobHistory;
import dev.jobledger.messages.JobHistoryPage;
import dev.jobledger.messages.JobHistoryVerification;
import dev.jobledger.messages.JobView;
import dev.jobledger.messages.VerifyJobHistory;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Instant;
import java.util.UUID;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The audit trail: served from the event store, not from the read models. Same ownership rules as the job. */
@RestController
@RequestMapping("/api/jobs/{jobId}")
@Tag(name = "History")
class JobHistoryController {

    private final QueryGateway queries;

    JobHistoryController(QueryGateway queries) {
        this.queries = queries;
    }

    @Operation(
            summary = "A job's history",
            description = "Its stored events in order: sequence, type, time, who caused it, its facts and its chain"
                    + " hash. from/to (ISO-8601 instants) narrow the events.")
    @GetMapping("/history")
    JobHistoryPage history(
            @PathVariable UUID jobId,
            @RequestParam(required = false) Instant from,
            @RequestParam(required = false) Instant to,
            @RequestParam(defaultValue = "1") @Min(1) @Max(1_000_000) int page,
            @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int pageSize,
            Caller caller) {
        if (from != null && to != null && from.isAfter(to)) {
            throw problem(HttpStatus.BAD_REQUEST, "from (" + from + ") is after to (" + to + ")");
        }
        return queries.query(
                        new FindJobHistory(jobId, caller.viewer(), from, to, page, pageSize),
                        ResponseTypes.optionalInstanceOf(JobHistoryPage.class))
                .join()
                .orElseThrow(() -> notFound(jobId));
    }

    @Operation(
            summary = "A job as it was at an instant",
            description = "Rebuilt by replaying its events up to asOf. Before the job existed: not found.")
    @GetMapping("/history/state")
    JobView state(
            @PathVariable UUID jobId,
            @Parameter(description = "ISO-8601 instant, for example 2026-11-23T10:15:30Z") @RequestParam Instant asOf,
            Caller caller) {
        return queries.query(
                        new FindJobAsOf(jobId, caller.viewer(), asOf), ResponseTypes.optionalInstanceOf(JobView.class))
                .join()
                .orElseThrow(() -> notFoundAt(jobId, asOf));
    }

    @Operation(summary = "A job as it was at an instant", description = "The same as /history/state.")
    @GetMapping(params = "asOf")
    JobView asOf(@PathVariable UUID jobId, @RequestParam Instant asOf, Caller caller) {
        return state(jobId, asOf, caller);
    }

    @Operation(
            summary = "Verify a job's hash chain",
            description = "Recomputes every event's hash from its stored facts and the previous hash; names the first"
                    + " event that does not match.")
    @GetMapping("/history/verify")
    JobHistoryVerification verify(@PathVariable UUID jobId, Caller caller) {
        return queries.query(
                        new VerifyJobHistory(jobId, caller.viewer()),
                        ResponseTypes.optionalInstanceOf(JobHistoryVerification.class))
                .join()
                .orElseThrow(() -> notFound(jobId));
    }
}
