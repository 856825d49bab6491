package dev.jobledger.command.web;

import dev.jobledger.messages.AppendJobLogs;
import dev.jobledger.messages.Caller;
import dev.jobledger.messages.CompleteJob;
import dev.jobledger.messages.Delivery;
import dev.jobledger.messages.FailJobAttempt;
import dev.jobledger.messages.JobView;
import dev.jobledger.messages.Progress;
import dev.jobledger.messages.ReportAck;
import dev.jobledger.messages.ReportJobProgress;
import dev.jobledger.messages.StartAnswer;
import dev.jobledger.messages.StartJobAttempt;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.time.Clock;
import java.util.UUID;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * How the worker (the Lambda function, through its bridge) reports to the ledger. Only callers holding
 * {@code job:Report} get here, and each call acts only on the attempt its ticket admits ({@link TicketCheck}). Every
 * call may be repeated: the ledger answers a repeat without recording it twice.
 */
@RestController
@RequestMapping("/internal/jobs/{jobId}")
@Tag(name = "Worker bridge (internal)")
class BridgeController {

    private final CommandGateway commands;
    private final AttemptSettings attempts;
    private final Clock clock;
    private final JsonDocuments documents;
    private final TicketCheck tickets;

    BridgeController(
            CommandGateway commands,
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
            summary = "Start an attempt",
            description = "PROCEED: run the attempt named in the answer, reporting with the answer's ticket. SKIP:"
                    + " the attempt already started, is stale, or the job is finished or cancelled; delete the"
                    + " message and run nothing.")
    @PostMapping("/attempts")
    StartAnswer start(
            @PathVariable UUID jobId,
            @Valid @RequestBody BridgeRequests.StartAttempt request,
            DeliveryHeaders.Ticket ticket,
            Caller bridge) {
        tickets.require(jobId, request.attempt(), ticket);
        Delivery delivery = new Delivery(request.messageId(), request.requestId());
        StartAnswer answer = commands.sendAndWait(new StartJobAttempt(
                jobId,
                request.attempt(),
                delivery,
                bridge.reporting(delivery),
                clock.instant().minus(attempts.lease())));
        return tickets.handOut(jobId, answer);
    }

    @Operation(
            summary = "Append log lines",
            description = "One call is one event, however many lines it holds (at most 2000). proceed=false in the"
                    + " answer means the job was cancelled or the attempt is no longer the running one: stop.")
    @PostMapping("/logs")
    ReportAck appendLogs(
            @PathVariable UUID jobId,
            @Valid @RequestBody BridgeRequests.AppendLogs request,
            Delivery delivery,
            DeliveryHeaders.Ticket ticket,
            Caller bridge) {
        tickets.require(jobId, request.attempt(), ticket);
        for (int line = 0; line < request.entries().size(); line++) {
            documents.requireStorable(
                    "entries[" + line + "].meta", request.entries().get(line).meta());
        }
        return commands.sendAndWait(new AppendJobLogs(
                jobId,
                request.attempt(),
                request.entries().stream().map(BridgeRequests.Entry::toLogEntry).toList(),
                request.batchId(),
                bridge.reporting(delivery)));
    }

    @Operation(summary = "Report progress", description = "proceed=false in the answer means: stop.")
    @PostMapping("/progress")
    ReportAck reportProgress(
            @PathVariable UUID jobId,
            @Valid @RequestBody BridgeRequests.ReportProgress request,
            Delivery delivery,
            DeliveryHeaders.Ticket ticket,
            Caller bridge) {
        tickets.require(jobId, request.attempt(), ticket);
        Progress progress =
                new Progress(request.processed(), request.total(), request.failed() == null ? 0 : request.failed());
        return commands.sendAndWait(
                new ReportJobProgress(jobId, request.attempt(), progress, bridge.reporting(delivery)));
    }

    @Operation(summary = "Complete the running attempt", description = "Repeated for the same attempt: no change.")
    @PostMapping("/complete")
    JobView complete(
            @PathVariable UUID jobId,
            @Valid @RequestBody BridgeRequests.Complete request,
            Delivery delivery,
            DeliveryHeaders.Ticket ticket,
            Caller bridge) {
        tickets.require(jobId, request.attempt(), ticket);
        documents.requireStorable("result", request.result());
        return commands.sendAndWait(
                new CompleteJob(jobId, request.attempt(), request.result(), bridge.reporting(delivery)));
    }

    @Operation(
            summary = "Fail the running attempt",
            description = "The ledger decides what follows: RETRYING while attempts remain and the error is"
                    + " retryable, else FAILED. Repeated for the same attempt: no change.")
    @PostMapping("/fail")
    JobView fail(
            @PathVariable UUID jobId,
            @Valid @RequestBody BridgeRequests.Fail request,
            Delivery delivery,
            DeliveryHeaders.Ticket ticket,
            Caller bridge) {
        tickets.require(jobId, request.attempt(), ticket);
        return commands.sendAndWait(new FailJobAttempt(
                jobId, request.attempt(), request.reason(), request.retryable(), bridge.reporting(delivery)));
    }
}
