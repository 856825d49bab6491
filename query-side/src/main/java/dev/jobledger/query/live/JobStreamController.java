package dev.jobledger.query.live;

import dev.jobledger.messages.Caller;
import dev.jobledger.messages.FindJob;
import dev.jobledger.messages.JobView;
import dev.jobledger.messages.Viewer;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import java.util.UUID;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Live updates as Server-Sent Events: a {@code job} event (id: the change's global index) whenever a job the caller
 * may see changes in the read model, a {@code ready} event first, and heartbeat comments while quiet.
 */
@RestController
@RequestMapping("/api/jobs")
@Tag(name = "Jobs")
@ConditionalOnWebApplication
class JobStreamController {

    private final JobChanges changes;
    private final QueryGateway queries;

    JobStreamController(JobChanges changes, QueryGateway queries) {
        this.changes = changes;
        this.queries = queries;
    }

    @Operation(
            summary = "Follow the caller's jobs live (all jobs for admins)",
            description = "Server-Sent Events. Without Last-Event-ID the stream starts at the newest change; with it,"
                    + " every job changed after that id is sent first (its latest state), then changes as they are"
                    + " projected.")
    @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter jobs(
            @Parameter(description = "The id of the last event received, to resume after it")
                    @RequestHeader(name = "Last-Event-ID", required = false)
                    String lastEventId,
            Caller caller,
            HttpServletResponse response) {
        long after = lastEventId == null ? changes.newest() : resumePoint(lastEventId);
        unbuffered(response);
        return changes.open(caller.viewer(), null, after);
    }

    @Operation(
            summary = "Follow one job live",
            description = "Server-Sent Events. Without Last-Event-ID the job's current state is sent first. Another"
                    + " user's job is answered as not found.")
    @GetMapping(path = "/{jobId}/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter job(
            @PathVariable UUID jobId,
            @Parameter(description = "The id of the last event received, to resume after it")
                    @RequestHeader(name = "Last-Event-ID", required = false)
                    String lastEventId,
            Caller caller,
            HttpServletResponse response) {
        Viewer viewer = caller.viewer();
        Optional<JobView> job = queries.query(
                        new FindJob(jobId, viewer), ResponseTypes.optionalInstanceOf(JobView.class))
                .join();
        if (job.isEmpty()) {
            throw problem(HttpStatus.NOT_FOUND, "Job " + jobId + " was not found");
        }
        long after = lastEventId == null ? 0 : resumePoint(lastEventId);
        unbuffered(response);
        return changes.open(viewer, jobId, after);
    }

    /** A proxy that buffers responses (nginx does by default) would hold events back until its buffer fills. */
    private static void unbuffered(HttpServletResponse response) {
        response.setHeader("X-Accel-Buffering", "no");
    }

    @ExceptionHandler
    ProblemDetail tooMany(JobChanges.TooManyStreams refused) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS, refused.getMessage());
    }

    private static long resumePoint(String lastEventId) {
        try {
            long after = Long.parseLong(lastEventId.trim());
            if (after >= 0) {
                return after;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw problem(HttpStatus.BAD_REQUEST, "Last-Event-ID must be the id of an event of this stream");
    }

    private static ErrorResponseException problem(HttpStatus status, String detail) {
        return new ErrorResponseException(status, ProblemDetail.forStatusAndDetail(status, detail), null);
    }
}
