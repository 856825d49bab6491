package dev.jobledger.messages;

import java.util.List;

/**
 * The answer to a batched start: one outcome per record, in the order they were sent.
 *
 * @param outcomes the outcomes
 */
public record AttemptStartOutcomes(List<AttemptStartOutcome> outcomes) {}
