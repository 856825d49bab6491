package dev.jobledger.command.stalled;

import dev.jobledger.messages.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Administration")
class StalledJobController {

    private final StalledJobWatcher watcher;
    private final StalledJobWatcher.Settings settings;

    StalledJobController(StalledJobWatcher watcher, StalledJobWatcher.Settings settings) {
        this.watcher = watcher;
        this.settings = settings;
    }

    /**
     * @param quietFor how long an attempt must have waited unstarted (ISO-8601, e.g. {@code PT10M}); the watcher's
     *     setting when left out
     */
    record RecoverRequest(
            @DurationMin(millis = 1, message = "must be a positive duration, such as PT10M")
            Duration quietFor) {}

    /** @param jobIds the jobs whose message was sent again or whose abandoned attempt was failed */
    record RecoverAnswer(List<UUID> jobIds) {}

    @Operation(
            summary = "Recover stalled jobs now (admins)",
            description = "What the stalled-job watcher does every minute, at once: a job whose dispatched attempt"
                    + " has waited unstarted for quietFor gets its message again (each further resend of the same"
                    + " attempt waits twice as long), and a running attempt quiet past its lease and quietFor is"
                    + " abandoned. For after a queue was purged or lost its messages. Recorded on each job's"
                    + " history with the admin's id.")
    @PostMapping("/api/admin/stalled-jobs/recover")
    RecoverAnswer recover(@Valid @RequestBody(required = false) RecoverRequest request, Caller admin) {
        Duration quietFor = request == null || request.quietFor() == null ? settings.quietFor() : request.quietFor();
        return new RecoverAnswer(watcher.recover(quietFor, admin.actor()));
    }
}
