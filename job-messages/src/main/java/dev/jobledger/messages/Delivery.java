package dev.jobledger.messages;

/**
 * The queue delivery that caused a worker to start an attempt, or that a worker's report is about.
 *
 * @param messageId the SQS message id, or {@code null} when not said
 * @param requestId the Lambda request id of the invocation, or {@code null} when not said
 */
public record Delivery(String messageId, String requestId) {

    /**
     * The optional HTTP headers a worker's report (log lines, progress, the end of an attempt) names its delivery in,
     * kept on the job's history. Starting an attempt names it in the request body instead.
     */
    public static final String MESSAGE_ID_HEADER = "X-Job-Message-Id";

    public static final String REQUEST_ID_HEADER = "X-Job-Request-Id";
}
