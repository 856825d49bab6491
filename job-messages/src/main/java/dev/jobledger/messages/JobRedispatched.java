package dev.jobledger.messages;

import java.util.UUID;

/**
 * The awaited attempt's message was sent long ago and the attempt never started: it is sent again. A message that was
 * only slow still arrives, and whichever comes second is skipped.
 *
 * @param jobId the job
 * @param attempt the attempt sent again
 * @param reason why, for the history
 * @param actor the watcher or the admin who asked
 */
public record JobRedispatched(UUID jobId, int attempt, String reason, Actor actor) implements JobEvent {}
