package dev.jobledger.messages;

import java.util.UUID;

/**
 * The dispatcher sent the message for one attempt to the queue. Recorded on the job's history; repeated for the same
 * attempt and message it changes nothing. Answered with nothing.
 *
 * @param jobId the job
 * @param attempt the attempt the message asks for
 * @param queueUrl the queue it was sent to
 * @param messageId the SQS message id
 * @param actor the dispatcher
 */
public record RecordJobDispatch(UUID jobId, int attempt, String queueUrl, String messageId, Actor actor)
        implements JobCommand {}
