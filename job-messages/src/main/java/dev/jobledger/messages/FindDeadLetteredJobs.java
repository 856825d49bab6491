package dev.jobledger.messages;

/**
 * The ids of dead-lettered jobs, oldest first, for admins who redrive them all. Answered with a
 * {@link DeadLetteredJobs}.
 *
 * @param limit at most this many ids
 */
public record FindDeadLetteredJobs(int limit) {}
