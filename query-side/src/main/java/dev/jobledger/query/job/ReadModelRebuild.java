package dev.jobledger.query.job;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Rebuilds the {@code job} and {@code job_log} tables from the event store: resets the query side's tracking
 * processors, whose reset handlers empty the tables, and lets them replay every event. The SQS dispatcher is a
 * processor of its own and is never reset, so a rebuild sends nothing to any queue.
 *
 * <p>Progress is measured in the event store's global index: a processor that has passed the head position taken when
 * the rebuild started has replayed everything that existed then.
 */
@Component
public class ReadModelRebuild {

    private static final Logger log = LoggerFactory.getLogger(ReadModelRebuild.class);
    static final List<String> PROCESSORS = List.of(JobProjection.PROCESSING_GROUP, JobLogProjection.PROCESSING_GROUP);

    /** Where a rebuild is. */
    public enum State {
        /** No rebuild has run since the service started. */
        NONE,
        REPLAYING,
        DONE
    }

    /**
     * A rebuild's progress.
     *
     * @param state where it is
     * @param startedAt when it started, or {@code null}
     * @param finishedAt when it was first seen done, or {@code null}
     * @param eventsTotal events in the store when it started (the head of the global index)
     * @param eventsReplayed events every read model has replayed of those
     * @param eventsPerSecond replay rate so far
     * @param processors each processor's position in the global index
     */
    public record Progress(
            State state,
            Instant startedAt,
            Instant finishedAt,
            long eventsTotal,
            long eventsReplayed,
            double eventsPerSecond,
            List<ProcessorPosition> processors) {}

    /**
     * @param name the tracking processor
     * @param replaying whether it is still behind the head taken when the rebuild started
     * @param position the global index it has reached
     */
    public record ProcessorPosition(String name, boolean replaying, long position) {}

    /** A rebuild is already running, or another instance holds the processors' tokens. */
    public static final class RebuildRefused extends RuntimeException {
        RebuildRefused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final EventProcessingConfiguration processing;
    private final EventStore store;

    private Instant startedAt;
    private Instant finishedAt;
    private long target;

    ReadModelRebuild(EventProcessingConfiguration processing, EventStore store) {
        this.processing = processing;
        this.store = store;
    }

    public synchronized Progress start() {
        if (progress().state() == State.REPLAYING) {
            throw new RebuildRefused("A rebuild is already running", null);
        }
        if (!settled()) {
            throw new RebuildRefused(
                    "The read models' processors have not claimed their segments yet (the service is still starting,"
                            + " or another instance holds them); try again shortly",
                    null);
        }
        long head = position(store.createHeadToken());
        for (String name : PROCESSORS) {
            processor(name).shutDown();
        }
        try {
            for (String name : PROCESSORS) {
                processor(name).resetTokens();
            }
        } catch (RuntimeException e) {
            throw new RebuildRefused(
                    "The read models' processors could not be reset (is another instance running them?): "
                            + e.getMessage(),
                    e);
        } finally {
            for (String name : PROCESSORS) {
                processor(name).start();
            }
        }
        startedAt = Instant.now();
        finishedAt = null;
        target = head;
        log.info("Read model rebuild started: {} events to replay", head);
        return progress();
    }

    /**
     * Whether every read-model processor is running and has claimed its segments. A processor shut down while it is
     * still starting can be left unable to claim its segment again, so a rebuild starts only from here.
     */
    boolean settled() {
        return PROCESSORS.stream()
                .map(this::processor)
                .allMatch(processor ->
                        processor.isRunning() && !processor.processingStatus().isEmpty());
    }

    public synchronized Progress progress() {
        // Axon keeps a processor flagged as replaying until it handles an event newer than the reset point, so a
        // processor is replaying here while it is behind the head taken when the rebuild started.
        List<ProcessorPosition> positions = PROCESSORS.stream()
                .map(name -> {
                    long position = processor(name).processingStatus().values().stream()
                            .mapToLong(status -> status.getCurrentPosition().orElse(0))
                            .min()
                            .orElse(0);
                    return new ProcessorPosition(name, startedAt != null && position < target, position);
                })
                .toList();
        if (startedAt == null) {
            return new Progress(State.NONE, null, null, 0, 0, 0, positions);
        }
        long replayed = Math.min(
                positions.stream().mapToLong(ProcessorPosition::position).min().orElse(0), target);
        boolean done = replayed >= target;
        if (done && finishedAt == null) {
            finishedAt = Instant.now();
            log.info("Read model rebuild done: {} events in {}", target, Duration.between(startedAt, finishedAt));
        }
        Instant until = finishedAt != null ? finishedAt : Instant.now();
        double seconds = Math.max(Duration.between(startedAt, until).toMillis(), 1) / 1000.0;
        return new Progress(
                done ? State.DONE : State.REPLAYING,
                startedAt,
                finishedAt,
                target,
                replayed,
                replayed / seconds,
                positions);
    }

    private StreamingEventProcessor processor(String name) {
        return processing
                .eventProcessor(name, StreamingEventProcessor.class)
                .orElseThrow(() -> new IllegalStateException("No streaming event processor named " + name));
    }

    private static long position(TrackingToken token) {
        return token == null ? 0 : token.position().orElse(0);
    }
}
