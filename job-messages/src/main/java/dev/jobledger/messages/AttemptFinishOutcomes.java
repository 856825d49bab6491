package dev.jobledger.messages;

import java.util.List;

/**
 * The answer to a batched finish: one outcome per report, in the order they were sent.
 *
 * @param outcomes the outcomes
 */
public record AttemptFinishOutcomes(List<AttemptFinishOutcome> outcomes) {}
