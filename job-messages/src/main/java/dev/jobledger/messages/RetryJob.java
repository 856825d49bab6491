package dev.jobledger.messages;

import java.util.UUID;

/**
 * Put a FAILED or CANCELLED job back to PENDING with a fresh budget of attempts. Attempt numbers keep counting up,
 * so that a late delivery of an earlier attempt is still recognised as stale. Answered with a {@link JobView}.
 *
 * @param jobId the job
 * @param actor the owner or an admin
 */
public record RetryJob(UUID jobId, Actor actor) implements JobCommand {}
