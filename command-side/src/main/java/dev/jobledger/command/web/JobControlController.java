package dev.jobledger.command.web;

import dev.jobledger.messages.Actor;
import dev.jobledger.messages.CancelJob;
import dev.jobledger.messages.JobView;
import dev.jobledger.messages.RedriveJob;
import dev.jobledger.messages.RetryJob;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import java.util.UUID;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/jobs/{jobId}")
@Tag(name = "Jobs")
class JobControlController {

    private final CommandGateway commands;

    JobControlController(CommandGateway commands) {
        this.commands = commands;
    }

    /** @param reason why the job is cancelled, kept on its history */
    record CancelRequest(@Size(max = 1000) String reason) {}

    @Operation(
            summary = "Cancel a job",
            description = "PENDING, RETRYING and RUNNING jobs can be cancelled; a running handler stops at its next"
                    + " report. Cancelling a cancelled job changes nothing.")
    @PostMapping("/cancel")
    JobView cancel(
            @PathVariable UUID jobId,
            @Valid @RequestBody(required = false) CancelRequest request,
            Authentication caller) {
        String reason = request == null ? null : request.reason();
        return commands.sendAndWait(new CancelJob(jobId, reason, Callers.userOrAdmin(caller)));
    }

    @Operation(
            summary = "Redrive a dead-lettered job (admins)",
            description = "Puts a job whose queue message reached the dead-letter queue back to PENDING with a fresh"
                    + " budget; it is dispatched anew. Recorded on the job's history with the admin's id.")
    @PostMapping("/redrive")
    JobView redrive(@PathVariable UUID jobId, Authentication admin) {
        return commands.sendAndWait(new RedriveJob(jobId, Actor.admin(admin.getName())));
    }

    @Operation(
            summary = "Retry a failed or cancelled job",
            description = "Puts the job back to PENDING with a fresh budget of attempts.")
    @PostMapping("/retry")
    JobView retry(@PathVariable UUID jobId, Authentication caller) {
        return commands.sendAndWait(new RetryJob(jobId, Callers.userOrAdmin(caller)));
    }
}
