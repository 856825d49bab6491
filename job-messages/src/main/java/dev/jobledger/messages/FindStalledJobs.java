package dev.jobledger.messages;

import java.time.Instant;

/**
 * Jobs waiting for a worker (pending, retrying or running) that have not changed since an instant, oldest first: the
 * candidates the stalled-job watcher asks about. Answered with a {@link StalledJobs}.
 *
 * @param waitingUnchangedSince pending and retrying jobs whose read model last changed before this
 * @param runningUnchangedSince running jobs whose read model last changed before this
 * @param limit at most this many ids
 */
public record FindStalledJobs(Instant waitingUnchangedSince, Instant runningUnchangedSince, int limit) {}
