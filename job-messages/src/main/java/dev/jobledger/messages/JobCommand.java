package dev.jobledger.messages;

import java.util.UUID;

/** A command addressed to one job. The command side routes it by {@link #jobId()}. */
public interface JobCommand {

    UUID jobId();

    Actor actor();
}
