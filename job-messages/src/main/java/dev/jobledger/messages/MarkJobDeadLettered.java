package dev.jobledger.messages;

import java.util.UUID;

/**
 * A job's message reached the dead-letter queue: no worker could process it. The job becomes FAILED unless it has
 * finished or moved past that attempt already. Answered with a {@link JobView}.
 *
 * @param jobId the job
 * @param attempt the attempt the dead message asked for
 * @param messageId the SQS message id
 * @param reason why, for people
 * @param actor the dead-letter watcher
 */
public record MarkJobDeadLettered(UUID jobId, int attempt, String messageId, String reason, Actor actor)
        implements JobCommand {}
