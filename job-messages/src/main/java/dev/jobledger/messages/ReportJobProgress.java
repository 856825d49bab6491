package dev.jobledger.messages;

import java.util.UUID;

/**
 * The running attempt reports how far it has come. Answered with a {@link ReportAck}.
 *
 * @param jobId the job
 * @param attempt the reporting attempt, or {@code null} for the current one
 * @param progress the figures
 * @param actor the bridge
 */
public record ReportJobProgress(UUID jobId, Integer attempt, Progress progress, Actor actor) implements JobCommand {}
