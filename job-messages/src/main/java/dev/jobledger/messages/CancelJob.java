package dev.jobledger.messages;

import java.util.UUID;

/**
 * Stop a PENDING, RETRYING or RUNNING job. A running handler learns it at its next report. Cancelling a cancelled
 * job changes nothing. Answered with a {@link JobView}.
 *
 * @param jobId the job
 * @param reason why, or {@code null}
 * @param actor the owner or an admin
 */
public record CancelJob(UUID jobId, String reason, Actor actor) implements JobCommand {}
