package dev.jobledger.messages;

import java.util.UUID;

/**
 * The job failed for good: FAILED. Either its error was not retryable or it used its last attempt.
 *
 * @param jobId the job
 * @param attempt the attempt that failed last
 * @param reason what went wrong
 * @param retryable whether the last error itself was retryable (true means the budget ran out)
 * @param actor who reported it
 */
public record JobFailed(UUID jobId, int attempt, String reason, boolean retryable, Actor actor) implements JobEvent {}
