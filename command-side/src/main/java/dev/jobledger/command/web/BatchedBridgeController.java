package dev.jobledger.command.web;

import dev.jobledger.command.job.BatchedCommands;
import dev.jobledger.command.job.JobNotFound;
import dev.jobledger.command.job.JobTransitionRefused;
import dev.jobledger.messages.Actor;
import dev.jobledger.messages.AttemptFinishOutcome;
import dev.jobledger.messages.AttemptFinishOutcomes;
import dev.jobledger.messages.AttemptStartOutcome;
import dev.jobledger.messages.AttemptStartOutcomes;
import dev.jobledger.messages.Caller;
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
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The worker protocol for a whole function invocation: one call starts the records of an SQS batch, one call ends
 * them, carrying each attempt's last log lines and final progress. Two calls per batch instead of four or more per
 * record. Each record is decided on its own, exactly as its single-record endpoint would decide it (its ticket first,
 * {@link TicketCheck}), and answered in the order sent: one refused record does not fail the others. Every item may be
 * repeated.
 */
@RestController
@RequestMapping("/internal/attempts")
@Tag(name = "Worker bridge (internal)")
class BatchedBridgeController {

    private final BatchedCommands commands;
    private final AttemptSettings attempts;
    private final Clock clock;
    private final JsonDocuments documents;
    private final TicketCheck tickets;

    BatchedBridgeController(
            BatchedCommands commands,
            AttemptSettings attempts,
            Clock clock,
            JsonDocuments documents,
            TicketCheck tickets) {
        this.commands = commands;
        this.attempts = attempts;
        this.clock = clock;
        this.documents = documents;
        this.tickets = tickets;
    }

    @Operation(
            summary = "Start the records of a batch",
            description = "One outcome per record, in order: status 200 with PROCEED (run the attempt named, reporting"
                    + " with the answer's ticket) or SKIP (delete the message, run nothing), 403 (the record's ticket"
                    + " does not admit its job and attempt: nothing was done), 404 (no such job) or 409. A repeated"
                    + " start for the same delivery of a running attempt answers PROCEED again.")
    @PostMapping("/start")
    AttemptStartOutcomes start(@Valid @RequestBody BridgeRequests.StartAttempts request, Caller bridge) {
        Instant quietSince = clock.instant().minus(attempts.lease());
        List<BridgeRequests.AttemptToStart> items = request.attempts();
        List<Decided<StartAnswer>> decided = decideEach(
                items,
                item -> tickets.refusal(item.jobId(), item.attempt(), item.ticket()),
                item -> {
                    Delivery delivery = new Delivery(item.messageId(), request.requestId());
                    return new StartJobAttempt(
                            item.jobId(), item.attempt(), delivery, bridge.reporting(delivery), quietSince);
                },
                BridgeRequests.AttemptToStart::jobId);
        List<AttemptStartOutcome> outcomes = new ArrayList<>(items.size());
        for (int index = 0; index < items.size(); index++) {
            BridgeRequests.AttemptToStart item = items.get(index);
            Decided<StartAnswer> one = decided.get(index);
            outcomes.add(new AttemptStartOutcome(
                    item.jobId(),
                    item.messageId(),
                    one.status(),
                    tickets.handOut(item.jobId(), one.answer()),
                    one.detail()));
        }
        return new AttemptStartOutcomes(outcomes);
    }

    @Operation(
            summary = "End the attempts of a batch",
            description = "COMPLETED or FAILED per attempt, with its last log lines and final progress, recorded with"
                    + " the end in one step. One outcome per report, in order: 200 with the job (also when the end"
                    + " was already recorded), 403 (the report's ticket does not admit its job and attempt: nothing"
                    + " was recorded), 404, or 409 (the job moved on: cancelled, or another attempt runs).")
    @PostMapping("/finish")
    AttemptFinishOutcomes finish(@Valid @RequestBody BridgeRequests.FinishAttempts request, Caller bridge) {
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
        List<BridgeRequests.AttemptReport> reports = request.reports();
        List<Decided<JobView>> decided = decideEach(
                reports,
                report -> tickets.refusal(report.jobId(), report.attempt(), report.ticket()),
                report -> {
                    Actor actor = bridge.reporting(new Delivery(report.messageId(), request.requestId()));
                    return report.outcome() == BridgeRequests.AttemptOutcome.COMPLETED
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
                },
                BridgeRequests.AttemptReport::jobId);
        List<AttemptFinishOutcome> outcomes = new ArrayList<>(reports.size());
        for (int index = 0; index < reports.size(); index++) {
            BridgeRequests.AttemptReport report = reports.get(index);
            Decided<JobView> one = decided.get(index);
            outcomes.add(new AttemptFinishOutcome(
                    report.jobId(), report.messageId(), one.status(), one.answer(), one.detail()));
        }
        return new AttemptFinishOutcomes(outcomes);
    }

    /**
     * Decides each item on its own, in order: refused for its ticket with no command sent, or by the outcome of its
     * command. The admitted items' commands go together in one unit of work; none when every item was refused.
     */
    private <I, T> List<Decided<T>> decideEach(
            List<I> items, Function<I, String> refusal, Function<I, Object> command, Function<I, UUID> jobId) {
        String[] refusals = new String[items.size()];
        List<Object> admitted = new ArrayList<>(items.size());
        for (int index = 0; index < items.size(); index++) {
            refusals[index] = refusal.apply(items.get(index));
            if (refusals[index] == null) {
                admitted.add(command.apply(items.get(index)));
            }
        }
        Iterator<BatchedCommands.Outcome<T>> answers = admitted.isEmpty()
                ? Collections.emptyIterator()
                : commands.<T>sendAll(admitted).iterator();
        List<Decided<T>> decided = new ArrayList<>(items.size());
        for (int index = 0; index < items.size(); index++) {
            decided.add(
                    refusals[index] != null
                            ? Decided.forbidden(refusals[index])
                            : decided(jobId.apply(items.get(index)), answers.next()));
        }
        return decided;
    }

    /** One record's decision, with the status its single-record endpoint would have answered. */
    private record Decided<T>(int status, T answer, String detail) {

        static <T> Decided<T> forbidden(String refusal) {
            return new Decided<>(403, null, refusal);
        }
    }

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
