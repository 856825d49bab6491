package dev.jobledger.app.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobledger.app.web.Callers;
import dev.jobledger.messages.CountJobs;
import dev.jobledger.messages.FindJob;
import dev.jobledger.messages.FindJobAsOf;
import dev.jobledger.messages.FindJobHistory;
import dev.jobledger.messages.FindJobLogs;
import dev.jobledger.messages.FindJobs;
import dev.jobledger.messages.JobCounts;
import dev.jobledger.messages.JobHistoryPage;
import dev.jobledger.messages.JobHistoryVerification;
import dev.jobledger.messages.JobLogPage;
import dev.jobledger.messages.JobPage;
import dev.jobledger.messages.JobStatus;
import dev.jobledger.messages.JobView;
import dev.jobledger.messages.LogLevel;
import dev.jobledger.messages.VerifyJobHistory;
import dev.jobledger.messages.Viewer;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Server-rendered parts of the dashboard's pages, fetched by htmx with the viewer's bearer token. They ask the same
 * queries as the API with the same viewer, so ownership is the API's: another user's job is 404 here too.
 */
// HTML for the dashboard, not part of the API: kept out of the OpenAPI description.
@Hidden
@Controller
@RequestMapping("/dashboard/fragments")
class DashboardFragments {

    private static final int PAGE_SIZE = 20;
    private static final int LOG_PAGE_SIZE = 50;
    private static final int HISTORY_PAGE_SIZE = 100;

    private final QueryGateway queries;
    private final ObjectMapper json;

    DashboardFragments(QueryGateway queries, ObjectMapper json) {
        this.queries = queries;
        this.json = json;
    }

    @GetMapping("/jobs")
    String jobs(
            @RequestParam(required = false)
                    @Size(max = 100)
                    @Pattern(regexp = "[a-z0-9][a-z0-9._-]*", message = "must be a job type name")
                    String jobType,
            @RequestParam(required = false) JobStatus status,
            @RequestParam(required = false)
                    @Size(max = 255)
                    @Pattern(regexp = "[^\\x00\\p{Cs}]*", message = "must not contain NUL characters")
                    String userId,
            @RequestParam(required = false) Instant createdFrom,
            @RequestParam(required = false) Instant createdTo,
            @RequestParam(defaultValue = "1") @Min(1) @Max(1_000_000) int page,
            Authentication caller,
            Model model) {
        Viewer viewer = viewer(caller);
        String owner = blankToNull(userId);
        if (owner != null && !viewer.admin() && !owner.equals(viewer.userId())) {
            throw problem(HttpStatus.FORBIDDEN, "Only admins may list other users' jobs");
        }
        String type = blankToNull(jobType);
        JobPage jobs = queries.query(
                        new FindJobs(viewer, type, status, owner, createdFrom, createdTo, page, PAGE_SIZE),
                        ResponseTypes.instanceOf(JobPage.class))
                .join();
        JobCounts counts = queries.query(
                        new CountJobs(viewer, type, owner, createdFrom, createdTo),
                        ResponseTypes.instanceOf(JobCounts.class))
                .join();
        model.addAttribute("jobs", jobs);
        model.addAttribute("counts", counts);
        model.addAttribute("admin", viewer.admin());
        return "dashboard/fragments :: jobs";
    }

    @GetMapping("/jobs/{jobId}")
    String job(@PathVariable UUID jobId, Authentication caller, Model model) {
        Viewer viewer = viewer(caller);
        JobView job = queries.query(new FindJob(jobId, viewer), ResponseTypes.optionalInstanceOf(JobView.class))
                .join()
                .orElseThrow(() -> notFound(jobId));
        return summary(job, viewer, model, null);
    }

    @GetMapping("/jobs/{jobId}/as-of")
    String asOf(@PathVariable UUID jobId, @RequestParam Instant asOf, Authentication caller, Model model) {
        Viewer viewer = viewer(caller);
        JobView job = queries.query(
                        new FindJobAsOf(jobId, viewer, asOf), ResponseTypes.optionalInstanceOf(JobView.class))
                .join()
                .orElseThrow(() -> problem(
                        HttpStatus.NOT_FOUND, "Job " + jobId + " was not found, or did not exist yet at " + asOf));
        return summary(job, viewer, model, asOf);
    }

    private String summary(JobView job, Viewer viewer, Model model, Instant asOf) {
        model.addAttribute("job", job);
        model.addAttribute("asOf", asOf);
        model.addAttribute("admin", viewer.admin());
        model.addAttribute("payload", pretty(job.payload()));
        model.addAttribute("result", pretty(job.result()));
        model.addAttribute("percent", percent(job));
        return "dashboard/fragments :: job";
    }

    @GetMapping("/jobs/{jobId}/logs")
    String logs(
            @PathVariable UUID jobId,
            @RequestParam(required = false) LogLevel level,
            @RequestParam(defaultValue = "1") @Min(1) @Max(1_000_000) int page,
            Authentication caller,
            Model model) {
        JobLogPage lines = queries.query(
                        new FindJobLogs(jobId, viewer(caller), level, page, LOG_PAGE_SIZE),
                        ResponseTypes.optionalInstanceOf(JobLogPage.class))
                .join()
                .orElseThrow(() -> notFound(jobId));
        model.addAttribute("logs", lines);
        return "dashboard/fragments :: logs";
    }

    @GetMapping("/jobs/{jobId}/history")
    String history(
            @PathVariable UUID jobId,
            @RequestParam(defaultValue = "1") @Min(1) @Max(1_000_000) int page,
            Authentication caller,
            Model model) {
        Viewer viewer = viewer(caller);
        JobHistoryPage events = queries.query(
                        new FindJobHistory(jobId, viewer, null, null, page, HISTORY_PAGE_SIZE),
                        ResponseTypes.optionalInstanceOf(JobHistoryPage.class))
                .join()
                .orElseThrow(() -> notFound(jobId));
        Optional<JobHistoryVerification> chain = queries.query(
                        new VerifyJobHistory(jobId, viewer),
                        ResponseTypes.optionalInstanceOf(JobHistoryVerification.class))
                .join();
        model.addAttribute("history", events);
        model.addAttribute("chain", chain.orElse(null));
        return "dashboard/fragments :: history";
    }

    private static Integer percent(JobView job) {
        Long total = job.progress() == null ? null : job.progress().total();
        if (total == null || total <= 0) {
            return null;
        }
        return (int) Math.min(100, job.progress().processed() * 100 / total);
    }

    private String pretty(Map<String, Object> document) {
        if (document == null || document.isEmpty()) {
            return null;
        }
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(document);
        } catch (JsonProcessingException e) {
            return String.valueOf(document);
        }
    }

    static Viewer viewer(Authentication caller) {
        return Callers.of(caller).viewer();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static ErrorResponseException notFound(UUID jobId) {
        return problem(HttpStatus.NOT_FOUND, "Job " + jobId + " was not found");
    }

    static ErrorResponseException problem(HttpStatus status, String detail) {
        return new ErrorResponseException(status, ProblemDetail.forStatusAndDetail(status, detail), null);
    }
}
