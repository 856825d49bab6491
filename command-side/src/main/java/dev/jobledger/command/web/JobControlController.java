package dev.jobledger.command.web;

import dev.jobledger.command.job.JobTransitionRefused;
import dev.jobledger.messages.Caller;
import dev.jobledger.messages.CancelJob;
import dev.jobledger.messages.DeadLetteredJobs;
import dev.jobledger.messages.FindDeadLetteredJobs;
import dev.jobledger.messages.JobView;
import dev.jobledger.messages.RedriveJob;
import dev.jobledger.messages.RetryJob;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Jobs")
class JobControlController {

    private static final int REDRIVE_ALL_LIMIT = 1000;

    private final CommandGateway commands;
    private final QueryGateway queries;

    JobControlController(CommandGateway commands, QueryGateway queries) {
        this.commands = commands;
        this.queries = queries;
    }

    /**
     * @param jobIds the jobs sent round again
     * @param more whether more dead-lettered jobs remain (the call handles at most 1000)
     */
    record RedriveAllAnswer(List<UUID> jobIds, boolean more) {}

    @Operation(
            summary = "Redrive every dead-lettered job (admins)",
            description = "Oldest first, at most 1000 per call; each one is recorded on its job's history.")
    @PostMapping(path = "/api/jobs/dead-lettered/redrive")
    RedriveAllAnswer redriveAll(Caller admin) {
        List<UUID> dead = queries.query(
                        new FindDeadLetteredJobs(REDRIVE_ALL_LIMIT), ResponseTypes.instanceOf(DeadLetteredJobs.class))
                .join()
                .jobIds();
        List<UUID> redriven = new ArrayList<>();
        for (UUID jobId : dead) {
            try {
                commands.sendAndWait(new RedriveJob(jobId, admin.actor()));
                redriven.add(jobId);
            } catch (JobTransitionRefused alreadyMovedOn) {
                // redriven or retried meanwhile: nothing left to do for it
            }
        }
        return new RedriveAllAnswer(redriven, dead.size() == REDRIVE_ALL_LIMIT);
    }

    /** @param reason why the job is cancelled, kept on its history */
    record CancelRequest(@Size(max = 1000) @StorableText String reason) {}

    @Operation(
            summary = "Cancel a job",
            description = "PENDING, RETRYING and RUNNING jobs can be cancelled; a running handler stops at its next"
                    + " report. Cancelling a cancelled job changes nothing.")
    @PostMapping("/api/jobs/{jobId}/cancel")
    JobView cancel(
            @PathVariable UUID jobId, @Valid @RequestBody(required = false) CancelRequest request, Caller caller) {
        String reason = request == null ? null : request.reason();
        return commands.sendAndWait(new CancelJob(jobId, reason, caller.actor()));
    }

    @Operation(
            summary = "Redrive a dead-lettered job (admins)",
            description = "Puts a job whose queue message reached the dead-letter queue back to PENDING with a fresh"
                    + " budget; it is dispatched anew. Recorded on the job's history with the admin's id.")
    @PostMapping("/api/jobs/{jobId}/redrive")
    JobView redrive(@PathVariable UUID jobId, Caller admin) {
        return commands.sendAndWait(new RedriveJob(jobId, admin.actor()));
    }

    @Operation(
            summary = "Retry a failed or cancelled job",
            description = "Puts the job back to PENDING with a fresh budget of attempts. A dead-lettered job is sent"
                    + " round again only by an admin (409 for its owner): see the redrive.")
    @PostMapping("/api/jobs/{jobId}/retry")
    JobView retry(@PathVariable UUID jobId, Caller caller) {
        return commands.sendAndWait(new RetryJob(jobId, caller.actor()));
    }
}
