package dev.jobledger.command.web;

import dev.jobledger.command.ticket.AttemptTickets;
import dev.jobledger.messages.AttemptDecision;
import dev.jobledger.messages.StartAnswer;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Whether a call of the worker bridge may act on the attempt it names: only with the ticket signed for that job and
 * attempt. Asked before any command is sent, for every single-record call and for every item of a batched one. The
 * refusal names the job and attempt, never the ticket.
 */
@Component
class TicketCheck {

    private final AttemptTickets tickets;

    TicketCheck(AttemptTickets tickets) {
        this.tickets = tickets;
    }

    /** Answers 403 unless the ticket admits the attempt. */
    void require(UUID jobId, int attempt, DeliveryHeaders.Ticket ticket) {
        String refusal = refusal(jobId, attempt, ticket.value());
        if (refusal != null) {
            throw JsonDocuments.problem(HttpStatus.FORBIDDEN, refusal);
        }
    }

    /** Why the ticket does not admit the attempt, or {@code null} when it does. */
    String refusal(UUID jobId, int attempt, String ticket) {
        if (ticket == null || ticket.isEmpty()) {
            return "no attempt ticket: it is required for attempt " + attempt + " of job " + jobId;
        }
        return tickets.admits(jobId, attempt, ticket)
                ? null
                : "the attempt ticket does not admit attempt " + attempt + " of job " + jobId;
    }

    /**
     * A PROCEED answer with the ticket of the attempt it tells the worker to run: the delivery's own attempt, or after
     * a takeover of an abandoned attempt the next one, which the delivery's ticket does not admit.
     */
    StartAnswer handOut(UUID jobId, StartAnswer answer) {
        return answer != null && answer.decision() == AttemptDecision.PROCEED
                ? answer.withTicket(tickets.issue(jobId, answer.attempt()))
                : answer;
    }
}
