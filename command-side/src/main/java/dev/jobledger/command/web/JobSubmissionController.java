package dev.jobledger.command.web;

import dev.jobledger.command.jobtype.JobTypes;
import dev.jobledger.messages.Actor;
import dev.jobledger.messages.JobView;
import dev.jobledger.messages.SubmitJob;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/jobs")
@Tag(name = "Jobs")
class JobSubmissionController {

    private final CommandGateway commands;
    private final JobTypes jobTypes;

    JobSubmissionController(CommandGateway commands, JobTypes jobTypes) {
        this.commands = commands;
        this.jobTypes = jobTypes;
    }

    @Operation(
            summary = "Submit a job",
            description = "Records the job as PENDING and answers at once. With an Idempotency-Key, the same key from"
                    + " the same user answers the same job instead of creating a second one.")
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<JobView> submit(
            @Valid @RequestBody SubmitJobRequest request,
            @Parameter(description = "Makes retries of this request safe: 1 to 255 visible ASCII characters.")
                    @RequestHeader(name = "Idempotency-Key", required = false)
                    @Size(min = 1, max = 255)
                    @Pattern(regexp = "[\\x21-\\x7E]+", message = "must be visible ASCII characters")
                    String idempotencyKey,
            Authentication caller) {
        JobTypes.JobType type = jobTypes.find(request.jobType()).orElse(null);
        if (type == null) {
            throw badRequest("Unknown job type '" + request.jobType() + "'; registered types are "
                    + jobTypes.types().keySet().stream().sorted().toList());
        }
        if (type.requiresFile()) {
            throw badRequest("Job type '" + request.jobType() + "' needs a file: submit it as multipart/form-data");
        }
        String userId = caller.getName();
        UUID jobId = idempotencyKey == null ? UUID.randomUUID() : idempotentJobId(userId, idempotencyKey);
        SubmitJob command = new SubmitJob(
                jobId,
                request.jobType(),
                userId,
                jobTypes.queueOf(request.jobType()),
                request.maxAttempts() == null ? type.defaultMaxAttempts() : request.maxAttempts(),
                request.payload(),
                null,
                idempotencyKey,
                Actor.user(userId));
        JobView job = send(command);
        return ResponseEntity.accepted()
                .location(URI.create("/api/jobs/" + job.jobId()))
                .body(job);
    }

    private JobView send(SubmitJob command) {
        try {
            return commands.sendAndWait(command);
        } catch (AggregateStreamCreationException raceWithSameKey) {
            // Two requests with one idempotency key raced to create the job; the loser answers the winner's job.
            return commands.sendAndWait(command);
        }
    }

    /** The same user and key always name the same job; different users never share one. */
    static UUID idempotentJobId(String userId, String idempotencyKey) {
        return UUID.nameUUIDFromBytes(
                ("job-ledger/idempotency/" + userId + "\n" + idempotencyKey).getBytes(StandardCharsets.UTF_8));
    }

    private static ErrorResponseException badRequest(String detail) {
        return new ErrorResponseException(
                HttpStatus.BAD_REQUEST, ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail), null);
    }
}
