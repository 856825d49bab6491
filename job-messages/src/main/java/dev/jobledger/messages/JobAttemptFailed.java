package dev.jobledger.messages;

import java.util.UUID;

/**
 * An attempt failed with a retryable error and attempts remain: the job is RETRYING.
 *
 * @param jobId the job
 * @param attempt the failed attempt
 * @param reason what went wrong
 * @param attemptsLeft attempts left in the budget
 * @param actor the bridge
 */
public record JobAttemptFailed(UUID jobId, int attempt, String reason, int attemptsLeft, Actor actor)
        implements JobEvent {}
