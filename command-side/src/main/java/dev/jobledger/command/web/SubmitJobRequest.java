package dev.jobledger.command.web;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;

/**
 * A job submission. Status, owner and attempts are the ledger's to set: unknown fields are refused.
 *
 * @param jobType a registered job type
 * @param payload the handler's input, a JSON object
 * @param maxAttempts how many attempts the job may use (1 to 10; the type's default when absent)
 */
record SubmitJobRequest(
        @NotBlank
        @Size(max = 100)
        @Pattern(regexp = "[a-z0-9][a-z0-9._-]*", message = "must be lower-case letters, digits, '.', '_' or '-'")
        String jobType,

        Map<String, Object> payload,
        @Min(1) @Max(10) Integer maxAttempts) {}
