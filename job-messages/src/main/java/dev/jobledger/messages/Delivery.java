package dev.jobledger.messages;

/**
 * The queue delivery that caused a worker to start an attempt.
 *
 * @param messageId the SQS message id
 * @param requestId the Lambda request id of the invocation
 */
public record Delivery(String messageId, String requestId) {}
