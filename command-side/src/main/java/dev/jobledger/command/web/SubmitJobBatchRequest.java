package dev.jobledger.command.web;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;

/**
 * Several jobs submitted in one request, each as {@code POST /api/jobs} takes it, plus its own idempotency key. Unknown
 * fields are refused, as for one job.
 *
 * @param jobs the jobs, recorded and answered in this order
 */
record SubmitJobBatchRequest(
        @NotEmpty @Size(max = SubmitJobBatchRequest.MAX_JOBS)
        List<@Valid @NotNull Item> jobs) {

    /** Enough to amortise a request over many jobs, few enough that a batch is one short transaction. */
    static final int MAX_JOBS = 100;

    /**
     * @param jobType a registered job type that needs no file
     * @param payload the handler's input, a JSON object
     * @param maxAttempts how many attempts the job may use (1 to 10; the type's default when absent)
     * @param idempotencyKey what the Idempotency-Key header is for one job: the same key from the same user answers
     *     the same job, in a batch or alone
     */
    record Item(
            @NotBlank
            @Size(max = 100)
            @Pattern(regexp = "[a-z0-9][a-z0-9._-]*", message = "must be lower-case letters, digits, '.', '_' or '-'")
            String jobType,

            Map<String, Object> payload,
            @Min(1) @Max(10) Integer maxAttempts,

            @Size(min = 1, max = 255) @Pattern(regexp = "[\\x21-\\x7E]+", message = "must be visible ASCII characters")
            String idempotencyKey) {

        SubmitJobRequest submission() {
            return new SubmitJobRequest(jobType, payload, maxAttempts);
        }
    }
}
