package dev.jobledger.messages;

import java.util.UUID;

/**
 * The running attempt reported progress.
 *
 * @param jobId the job
 * @param attempt the reporting attempt
 * @param progress the figures
 * @param actor the bridge
 */
public record JobProgressed(UUID jobId, int attempt, Progress progress, Actor actor) implements JobEvent {}
