package dev.jobledger.messages;

import java.time.Instant;
import java.util.Map;

/**
 * One stored event of a job, as the audit trail shows it.
 *
 * @param sequence its position in the job's history, from 0
 * @param eventId the event's unique id
 * @param type the event's name, for example {@code JobStarted}
 * @param timestamp when it was recorded
 * @param actor who caused it: a user or admin, the worker bridge (with the SQS message id and Lambda request id) or
 *     the ledger itself
 * @param facts the event's own fields, without the job id and the actor
 * @param hash the hex SHA-256 that chains this event to the previous one (see {@link JobHistoryVerification})
 */
public record JobHistoryEvent(
        long sequence,
        String eventId,
        String type,
        Instant timestamp,
        Actor actor,
        Map<String, Object> facts,
        String hash) {}
