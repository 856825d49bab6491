package dev.jobledger.query.web;

import dev.jobledger.query.job.ReadModelDeadLetters;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.List;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The read models' dead letters (job:Admin only, see the security configuration). */
@RestController
@RequestMapping("/api/admin/read-models/dead-letters")
@Tag(name = "Administration")
@Validated
class DeadLetterController {

    private final ReadModelDeadLetters deadLetters;

    DeadLetterController(ReadModelDeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    /** @param sequences parked sequences, one per job and read model */
    record DeadLetters(List<ReadModelDeadLetters.Sequence> sequences) {}

    /** @param retries per read model: sequences handled now and sequences still parked */
    record Retries(List<ReadModelDeadLetters.Retry> retries) {}

    @Operation(
            summary = "Events the read models could not handle",
            description = "Each is parked with the later events of its job, so that every other job's rows stay"
                    + " current; the job's own rows stop at the event before. Oldest first.")
    @GetMapping
    DeadLetters list(@RequestParam(defaultValue = "100") @Min(1) @Max(1000) int limit) {
        return new DeadLetters(deadLetters.list(limit));
    }

    @Operation(
            summary = "Retry every parked event",
            description = "Once the cause is fixed (a new version deployed, the database repaired). A sequence"
                    + " handled to its end leaves the queue and its job's rows catch up; one that fails again stays.")
    @PostMapping("/retry")
    Retries retry() {
        return new Retries(deadLetters.retryAll());
    }
}
