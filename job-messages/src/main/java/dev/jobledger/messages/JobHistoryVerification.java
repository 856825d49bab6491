package dev.jobledger.messages;

import java.util.UUID;

/**
 * Whether a job's stored events still form the hash chain written when they were appended. Each event's hash is
 * SHA-256 over the previous event's hash and the digests of the event's stored facts (ids, sequence, type, timestamp,
 * payload and metadata), so changing, removing or reordering any stored event breaks the chain from that event on.
 *
 * @param jobId the job
 * @param intact whether every event matched
 * @param eventsChecked how many events were read
 * @param firstBrokenSequence the sequence number of the first event that does not match, or {@code null}
 * @param firstBrokenEventId that event's id, or {@code null}
 * @param problem what does not match, or {@code null}
 * @param headHash the hex hash of the last event: keep it elsewhere to detect the removal of the newest events
 */
public record JobHistoryVerification(
        UUID jobId,
        boolean intact,
        long eventsChecked,
        Long firstBrokenSequence,
        String firstBrokenEventId,
        String problem,
        String headHash) {}
