package dev.jobledger.messages;

import java.util.UUID;

/**
 * What became of one record's start in a batched start ({@code POST /internal/attempts/start}), in the order the
 * records were sent.
 *
 * @param jobId the job
 * @param messageId the delivery's SQS message id, as sent
 * @param status as the single-record endpoint would answer: 200 (see {@code answer}), 403 (the record's ticket does not
 *     admit its job and attempt: nothing done), 404 (no such job) or 409
 * @param answer PROCEED or SKIP, when {@code status} is 200
 * @param detail why, when {@code status} is not 200
 */
public record AttemptStartOutcome(UUID jobId, String messageId, int status, StartAnswer answer, String detail) {}
