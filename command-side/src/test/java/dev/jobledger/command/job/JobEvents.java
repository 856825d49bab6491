package dev.jobledger.command.job;

import dev.jobledger.messages.Actor;
import dev.jobledger.messages.Delivery;
import dev.jobledger.messages.JobAttemptFailed;
import dev.jobledger.messages.JobCancelled;
import dev.jobledger.messages.JobCompleted;
import dev.jobledger.messages.JobDispatched;
import dev.jobledger.messages.JobFailed;
import dev.jobledger.messages.JobRedispatched;
import dev.jobledger.messages.JobRetried;
import dev.jobledger.messages.JobStarted;
import dev.jobledger.messages.JobStatus;
import dev.jobledger.messages.JobSubmitted;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Test-data builder: the events that bring a job to a given status. */
final class JobEvents {

    static final UUID JOB = UUID.fromString("6f0c1d2e-0000-4000-8000-000000000001");
    static final String OWNER = "alice";
    static final Actor USER = Actor.user(OWNER);
    static final Actor BRIDGE = Actor.bridge("bridge", "msg-1", "req-1");

    private final List<Object> events = new ArrayList<>();
    private int attempt;
    private int maxAttempts = 3;

    private JobEvents() {}

    static JobEvents aJob() {
        return new JobEvents();
    }

    JobEvents withMaxAttempts(int budget) {
        maxAttempts = budget;
        return this;
    }

    JobEvents submitted() {
        events.add(
                new JobSubmitted(JOB, "example", OWNER, "jobs", maxAttempts, Map.of("rows", 10), null, Map.of(), USER));
        return this;
    }

    static final Actor DISPATCHER = Actor.system("sqs-dispatcher");

    /** The next attempt's message went to the queue. */
    JobEvents dispatched() {
        events.add(new JobDispatched(JOB, attempt + 1, "queue-url", "msg-" + (attempt + 1), DISPATCHER));
        return this;
    }

    JobEvents redispatched() {
        events.add(new JobRedispatched(JOB, attempt + 1, "lost", DISPATCHER));
        return this;
    }

    JobEvents started() {
        attempt++;
        events.add(new JobStarted(JOB, attempt, new Delivery("msg-" + attempt, "req-" + attempt), BRIDGE));
        return this;
    }

    JobEvents attemptFailed() {
        events.add(new JobAttemptFailed(JOB, attempt, "timeout", maxAttempts - attempt, BRIDGE));
        return this;
    }

    JobEvents failed() {
        events.add(new JobFailed(JOB, attempt, "bad input", false, BRIDGE));
        return this;
    }

    JobEvents completed() {
        events.add(new JobCompleted(JOB, attempt, Map.of("rows", 10), BRIDGE));
        return this;
    }

    JobEvents cancelled(JobStatus from) {
        events.add(new JobCancelled(JOB, from, null, USER));
        return this;
    }

    JobEvents retried(JobStatus from) {
        events.add(new JobRetried(JOB, from, maxAttempts, attempt + 1, USER));
        return this;
    }

    /** The events of a job that has reached {@code status} by the shortest path. */
    static List<Object> in(JobStatus status) {
        return switch (status) {
            case PENDING -> aJob().submitted().list();
            case RUNNING -> aJob().submitted().started().list();
            case RETRYING -> aJob().submitted().started().attemptFailed().list();
            case COMPLETED -> aJob().submitted().started().completed().list();
            case FAILED -> aJob().submitted().started().failed().list();
            case CANCELLED -> aJob().submitted().cancelled(JobStatus.PENDING).list();
        };
    }

    List<Object> list() {
        return List.copyOf(events);
    }
}
