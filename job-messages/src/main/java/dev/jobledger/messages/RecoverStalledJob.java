package dev.jobledger.messages;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Recovers a job that nothing can move on any more: the message of its awaited attempt was lost (a queue purged, a
 * local queue restarted, a message past its retention), or its running attempt's worker is gone and so is its
 * message. The job decides whether it is stalled; a job that is not changes nothing. Answered with whether it acted.
 *
 * @param jobId the job
 * @param now the watcher's time, so that the decision replays the same
 * @param quietFor how long a dispatched attempt may wait unstarted before its message is sent again; each further
 *     resend of the same attempt waits twice as long, so that a long queue backlog is not multiplied
 * @param lease how long a running attempt may stay quiet; it is abandoned after its lease and {@code quietFor}
 * @param actor the watcher or the admin who asked
 */
public record RecoverStalledJob(UUID jobId, Instant now, Duration quietFor, Duration lease, Actor actor)
        implements JobCommand {}
