package dev.jobledger.messages;

import java.util.UUID;

/**
 * The job was cancelled: CANCELLED.
 *
 * @param jobId the job
 * @param previousStatus the status it was cancelled from
 * @param reason why, or {@code null}
 * @param actor the owner or an admin
 */
public record JobCancelled(UUID jobId, JobStatus previousStatus, String reason, Actor actor) implements JobEvent {}
