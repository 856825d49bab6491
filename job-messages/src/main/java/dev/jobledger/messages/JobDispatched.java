package dev.jobledger.messages;

import java.util.UUID;

/**
 * The message for one attempt went to the queue.
 *
 * @param jobId the job
 * @param attempt the attempt the message asks for
 * @param queueUrl the queue it was sent to
 * @param messageId the SQS message id
 * @param actor the dispatcher
 */
public record JobDispatched(UUID jobId, int attempt, String queueUrl, String messageId, Actor actor)
        implements JobEvent {}
