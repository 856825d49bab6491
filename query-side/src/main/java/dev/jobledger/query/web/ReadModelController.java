package dev.jobledger.query.web;

import dev.jobledger.query.job.ReadModelRebuild;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Admin operations on the read models (job:Admin only, see the security configuration). */
@RestController
@RequestMapping("/api/admin/read-models/rebuild")
@Tag(name = "Administration")
class ReadModelController {

    private static final URI REBUILD_REFUSED = URI.create("urn:job-ledger:problem:rebuild-refused");

    private final ReadModelRebuild rebuild;

    ReadModelController(ReadModelRebuild rebuild) {
        this.rebuild = rebuild;
    }

    @Operation(
            summary = "Rebuild the job and job_log tables from the event store",
            description = "Empties both tables and replays every event into them; queries are answered meanwhile from"
                    + " what has been replayed so far. Nothing is sent to any queue.")
    @PostMapping
    ResponseEntity<ReadModelRebuild.Progress> start() {
        return ResponseEntity.accepted()
                .location(URI.create("/api/admin/read-models/rebuild"))
                .body(rebuild.start());
    }

    @Operation(summary = "The rebuild's progress", description = "Events replayed of those stored when it started.")
    @GetMapping
    ReadModelRebuild.Progress progress() {
        return rebuild.progress();
    }

    @ExceptionHandler
    ProblemDetail refused(ReadModelRebuild.RebuildRefused refused) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, refused.getMessage());
        problem.setType(REBUILD_REFUSED);
        problem.setTitle("Rebuild refused");
        return problem;
    }
}
