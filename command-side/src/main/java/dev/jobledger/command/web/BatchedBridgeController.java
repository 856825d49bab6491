package dev.jobledger.command.web;

import dev.jobledger.command.job.BatchedCommands;
import dev.jobledger.command.job.JobNotFound;
import dev.jobledger.command.job.JobTransitionRefused;
import dev.jobledger.messages.Actor;
import dev.jobledger.messages.AttemptFinishOutcome;
import dev.jobledger.messages.AttemptFinishOutcomes;
import dev.jobledger.messages.AttemptStartOutcome;
import dev.jobledger.messages.AttemptStartOutcomes;
import dev.jobledger.messages.CompleteJob;
import dev.jobledger.messages.Delivery;
import dev.jobledger.messages.FailJobAttempt;
import dev.jobledger.messages.JobView;
import dev.jobledger.messages.StartAnswer;
import dev.jobledger.messages.StartJobAttempt;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The worker protocol for a whole function invocation: one call starts the records of an SQS batch, one call ends
 * them, carrying each attempt's last log lines and final progress. Two calls per batch instead of four or more per
 * record. Each record is decided on its own, exactly as its single-record endpoint would decide it, and answered in
 * the order sent: one refused record does not fail the others. Every item may be repeated.
 */
@RestController
@RequestMapping("/internal/attempts")
@Tag(name = "Worker bridge (internal)")
class BatchedBridgeController {

    private final BatchedCommands commands;
    private final AttemptSettings attempts;
    private final Clock clock;
    private final JsonDocuments documents;

    BatchedBridgeController(BatchedCommands commands, AttemptSettings attempts, Clock clock, JsonDocuments documents) {
        this.commands = commands;
        this.attempts = attempts;
        this.clock = clock;
        this.documents = documents;
    }

    @Operation(
            summary = "Start the records of a batch",
            description = "One outcome per record, in order: status 200 with PROCEED (run the attempt named) or SKIP"
                    + " (delete the message, run nothing), 404 (no such job) or 409. A repeated start for the same"
                    + " delivery of a running attempt answers PROCEED again.")
    @PostMapping("/start")
    AttemptStartOutcomes start(@Valid @RequestBody BridgeRequests.StartAttempts request, Authentication bridge) {
        Instant quietSince = clock.instant().minus(attempts.lease());
        List<StartJobAttempt> starts = new ArrayList<>(request.attempts().size());
        for (BridgeRequests.AttemptToStart item : request.attempts()) {
            Actor actor = Actor.bridge(bridge.getName(), item.messageId(), request.requestId());
            starts.add(new StartJobAttempt(
                    item.jobId(),
                    item.attempt(),
                    new Delivery(item.messageId(), request.requestId()),
                    actor,
                    quietSince));
        }
        List<BatchedCommands.Outcome<StartAnswer>> answers = commands.sendAll(starts);
        List<AttemptStartOutcome> outcomes = new ArrayList<>(starts.size());
        for (int index = 0; index < starts.size(); index++) {
            BridgeRequests.AttemptToStart item = request.attempts().get(index);
            Decided<StartAnswer> decided = decided(item.jobId(), answers.get(index));
            outcomes.add(new AttemptStartOutcome(
                    item.jobId(), item.messageId(), decided.status(), decided.answer(), decided.detail()));
        }
        return new AttemptStartOutcomes(outcomes);
    }

    @Operation(
            summary = "End the attempts of a batch",
            description = "COMPLETED or FAILED per attempt, with its last log lines and final progress, recorded with"
                    + " the end in one step. One outcome per report, in order: 200 with the job (also when the end"
                    + " was already recorded), 404, or 409 (the job moved on: cancelled, or another attempt runs).")
    @PostMapping("/finish")
    AttemptFinishOutcomes finish(@Valid @RequestBody BridgeRequests.FinishAttempts request, Authentication bridge) {
        for (int index = 0; index < request.reports().size(); index++) {
            BridgeRequests.AttemptReport report = request.reports().get(index);
            documents.requireStorable("reports[" + index + "].result", report.result());
            if (report.logs() != null) {
                for (int line = 0; line < report.logs().size(); line++) {
                    documents.requireStorable(
                            "reports[" + index + "].logs[" + line + "].meta",
                            report.logs().get(line).meta());
                }
            }
        }
        List<Object> ends = new ArrayList<>(request.reports().size());
        for (BridgeRequests.AttemptReport report : request.reports()) {
            Actor actor = Actor.bridge(bridge.getName(), report.messageId(), request.requestId());
            Object command = report.outcome() == BridgeRequests.AttemptOutcome.COMPLETED
                    ? new CompleteJob(
                            report.jobId(),
                            report.attempt(),
                            report.result(),
                            actor,
                            report.logEntries(),
                            report.finalProgress())
                    : new FailJobAttempt(
                            report.jobId(),
                            report.attempt(),
                            report.reason(),
                            report.retryable(),
                            actor,
                            report.logEntries(),
                            report.finalProgress());
            ends.add(command);
        }
        List<BatchedCommands.Outcome<JobView>> answers = commands.sendAll(ends);
        List<AttemptFinishOutcome> outcomes = new ArrayList<>(ends.size());
        for (int index = 0; index < ends.size(); index++) {
            BridgeRequests.AttemptReport report = request.reports().get(index);
            Decided<JobView> decided = decided(report.jobId(), answers.get(index));
            outcomes.add(new AttemptFinishOutcome(
                    report.jobId(), report.messageId(), decided.status(), decided.answer(), decided.detail()));
        }
        return new AttemptFinishOutcomes(outcomes);
    }

    /** One record's decision, with the status its single-record endpoint would have answered. */
    private record Decided<T>(int status, T answer, String detail) {}

    private static <T> Decided<T> decided(UUID jobId, BatchedCommands.Outcome<T> outcome) {
        RuntimeException refusal = outcome.refusal();
        if (refusal == null) {
            return new Decided<>(200, outcome.result(), null);
        }
        if (refusal instanceof JobNotFound || refusal instanceof AggregateNotFoundException) {
            return new Decided<>(404, null, "Job " + jobId + " was not found");
        }
        if (refusal instanceof JobTransitionRefused) {
            return new Decided<>(409, null, refusal.getMessage());
        }
        throw refusal;
    }
}
