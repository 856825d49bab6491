package dev.jobledger.messages;

import java.util.UUID;

/**
 * What became of one attempt's end in a batched finish ({@code POST /internal/attempts/finish}), in the order the
 * reports were sent.
 *
 * @param jobId the job
 * @param messageId the delivery's SQS message id, as sent
 * @param status as the single-attempt endpoints would answer: 200 (recorded, or already recorded), 403 (the report's
 *     ticket does not admit its job and attempt: nothing recorded), 404 or 409 (the job moved on: cancelled, or another
 *     attempt runs)
 * @param job the job after the report, when {@code status} is 200
 * @param detail why, when {@code status} is not 200
 */
public record AttemptFinishOutcome(UUID jobId, String messageId, int status, JobView job, String detail) {}
