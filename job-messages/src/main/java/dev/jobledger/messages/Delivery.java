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

    /**
     * The HTTP header every single-record call of the worker bridge ({@code /internal/jobs/{jobId}/...}) carries the
     * attempt ticket in: {@link JobDispatch#ticket()} of the delivery, or the one the ledger's PROCEED handed out
     * ({@link StartAnswer#ticket()}). Required: without a ticket that admits the job and attempt, the call is refused.
     */
    public static final String TICKET_HEADER = "X-Job-Attempt-Ticket";
}
