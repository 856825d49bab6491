package dev.jobledger.messages;

import java.util.UUID;

/**
 * A dead-lettered job was sent round again: PENDING with a fresh budget.
 *
 * @param jobId the job
 * @param maxAttempts the new budget
 * @param nextAttempt the number the job's next attempt will carry
 * @param actor the admin
 */
public record JobRedriven(UUID jobId, int maxAttempts, int nextAttempt, Actor actor) implements JobEvent {}
