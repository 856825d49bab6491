package dev.jobledger.messages;

import java.util.UUID;

/**
 * An admin sends a dead-lettered job round again: back to PENDING with a fresh budget, dispatched anew. Answered
 * with a {@link JobView}.
 *
 * @param jobId the job
 * @param actor the admin
 */
public record RedriveJob(UUID jobId, Actor actor) implements JobCommand {}
