package dev.jobledger.messages;

import java.util.UUID;

/**
 * A job's message was dead-lettered: the job is FAILED.
 *
 * @param jobId the job
 * @param attempt the attempt the dead message asked for
 * @param messageId the SQS message id
 * @param reason why, for people
 * @param previousStatus the status the job had
 * @param actor the dead-letter watcher
 */
public record JobDeadLettered(
        UUID jobId, int attempt, String messageId, String reason, JobStatus previousStatus, Actor actor)
        implements JobEvent {}
