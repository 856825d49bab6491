package dev.jobledger.messages;

import java.util.UUID;

/**
 * The body of the SQS message that asks a worker to run one attempt of a job (JSON, field names as here). The worker
 * asks the ledger to start the attempt before doing anything: a duplicate or stale message is answered SKIP.
 *
 * <p>Message attributes carry {@code jobId}, {@code attempt} and {@code jobType} again, for tracing and filtering
 * without parsing the body.
 *
 * @param jobId the job
 * @param attempt the attempt this message was dispatched for (1-based, counting up over the job's whole life)
 * @param jobType the registered type, which selects the handler
 * @param bucket the bucket holding the job's file, or {@code null} when the job has none
 * @param key the file's object key, or {@code null} when the job has none
 * @param fileName the client's file name (data only), or {@code null}
 * @param ticket the attempt ticket the dispatcher signed for this job and attempt: the worker sends it on every call
 *     about the attempt (the {@code ticket} of a batched start or finish item, else the {@value
 *     Delivery#TICKET_HEADER} header), and the ledger refuses a call whose ticket does not admit the job and attempt
 *     it names (403). Opaque to the worker; never logged
 */
public record JobDispatch(
        UUID jobId, int attempt, String jobType, String bucket, String key, String fileName, String ticket) {}
