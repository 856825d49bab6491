package dev.jobledger.messages;

/**
 * The answer to a log or progress report.
 *
 * @param recorded whether the report was recorded
 * @param proceed whether the reporting attempt should go on: false when the job was cancelled, finished, or a
 *     newer attempt runs
 * @param status the job's status
 * @param attempt the job's latest attempt
 */
public record ReportAck(boolean recorded, boolean proceed, JobStatus status, int attempt) {}
