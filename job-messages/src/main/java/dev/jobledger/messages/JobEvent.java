package dev.jobledger.messages;

import java.util.UUID;

/** An event in one job's history. When it happened is the event message's timestamp. */
public interface JobEvent {

    UUID jobId();

    /** Who caused it. */
    Actor actor();
}
