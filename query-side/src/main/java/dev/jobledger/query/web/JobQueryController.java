package dev.jobledger.query.web;

import dev.jobledger.messages.Caller;
import dev.jobledger.messages.FindJob;
import dev.jobledger.messages.FindJobLogs;
import dev.jobledger.messages.FindJobs;
import dev.jobledger.messages.JobLogPage;
import dev.jobledger.messages.JobPage;
import dev.jobledger.messages.JobStatus;
import dev.jobledger.messages.JobView;
import dev.jobledger.messages.LogLevel;
import dev.jobledger.messages.Viewer;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/jobs")
@Tag(name = "Jobs")
class JobQueryController {

    /** Pages past this one would start beyond any offset the database is asked for (page size 100 at most). */
    static final int MAX_PAGE = 1_000_000;

    private final QueryGateway queries;

    JobQueryController(QueryGateway queries) {
        this.queries = queries;
    }

    @Operation(
            summary = "List jobs",
            description = "Newest first. Users see their own jobs; admins see every job and may filter by userId.")
    @GetMapping
    JobPage list(
            @RequestParam(required = false)
                    @Size(max = 100)
                    @Pattern(regexp = "[a-z0-9][a-z0-9._-]*", message = "must be a job type name")
                    String jobType,
            @RequestParam(required = false) JobStatus status,
            @Parameter(description = "Admins only: the owner's id")
                    @RequestParam(required = false)
                    @Size(max = 255)
                    @Pattern(regexp = "[^\\x00\\p{Cs}]*", message = "must not contain NUL characters")
                    String userId,
            @RequestParam(defaultValue = "1") @Min(1) @Max(MAX_PAGE) int page,
            @RequestParam(defaultValue = "20") @Min(1) @Max(100) int pageSize,
            Caller caller) {
        Viewer viewer = caller.viewer();
        if (userId != null && !viewer.admin() && !userId.equals(viewer.userId())) {
            throw problem(HttpStatus.FORBIDDEN, "Only admins may list other users' jobs");
        }
        return queries.query(
                        new FindJobs(viewer, jobType, status, userId, page, pageSize),
                        ResponseTypes.instanceOf(JobPage.class))
                .join();
    }

    @Operation(summary = "Get a job", description = "Another user's job is answered as not found.")
    @GetMapping("/{jobId}")
    JobView get(@PathVariable UUID jobId, Caller caller) {
        Optional<JobView> job = queries.query(
                        new FindJob(jobId, caller.viewer()), ResponseTypes.optionalInstanceOf(JobView.class))
                .join();
        return job.orElseThrow(() -> notFound(jobId));
    }

    @Operation(summary = "Get a job's log", description = "In written order.")
    @GetMapping("/{jobId}/logs")
    JobLogPage logs(
            @PathVariable UUID jobId,
            @RequestParam(required = false) LogLevel level,
            @RequestParam(defaultValue = "1") @Min(1) @Max(MAX_PAGE) int page,
            @RequestParam(defaultValue = "100") @Min(1) @Max(100) int pageSize,
            Caller caller) {
        Optional<JobLogPage> lines = queries.query(
                        new FindJobLogs(jobId, caller.viewer(), level, page, pageSize),
                        ResponseTypes.optionalInstanceOf(JobLogPage.class))
                .join();
        return lines.orElseThrow(() -> notFound(jobId));
    }

    static ErrorResponseException notFound(UUID jobId) {
        return problem(HttpStatus.NOT_FOUND, "Job " + jobId + " was not found");
    }

    static ErrorResponseException notFoundAt(UUID jobId, Instant asOf) {
        return problem(HttpStatus.NOT_FOUND, "Job " + jobId + " was not found, or did not exist yet at " + asOf);
    }

    static ErrorResponseException problem(HttpStatus status, String detail) {
        return new ErrorResponseException(status, ProblemDetail.forStatusAndDetail(status, detail), null);
    }
}
