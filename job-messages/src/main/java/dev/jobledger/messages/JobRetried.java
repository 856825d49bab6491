package dev.jobledger.messages;

import java.util.UUID;

/**
 * A FAILED or CANCELLED job was put back to PENDING with a fresh budget of attempts.
 *
 * @param jobId the job
 * @param previousStatus the status it was retried from
 * @param maxAttempts the new budget
 * @param nextAttempt the number the job's next attempt will carry
 * @param actor the owner or an admin
 */
public record JobRetried(UUID jobId, JobStatus previousStatus, int maxAttempts, int nextAttempt, Actor actor)
        implements JobEvent {}
