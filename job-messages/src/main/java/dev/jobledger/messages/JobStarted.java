package dev.jobledger.messages;

import java.util.UUID;

/**
 * An attempt started: the job is RUNNING.
 *
 * @param jobId the job
 * @param attempt the attempt's number, counting up over the job's whole life
 * @param delivery the queue delivery that started it
 * @param actor the bridge
 */
public record JobStarted(UUID jobId, int attempt, Delivery delivery, Actor actor) implements JobEvent {}
