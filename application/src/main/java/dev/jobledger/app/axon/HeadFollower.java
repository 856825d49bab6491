package dev.jobledger.app.axon;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Keeps the event store's reader of the latest events alive after every event processor has fallen behind it.
 *
 * <p>Axon's embedded event store reads the head of the store for the processors that follow it, and keeps the latest
 * events ({@code jobledger.event-store.cached-events}). A processor further behind reads the database itself, and
 * rejoins once it has caught up, by finding its position among the kept events (an equal token: under concurrent
 * writes, seldom before they pause; see {@link AxonConfiguration}). But the reader only reads while some stream
 * follows it: when a burst (a batch of 100 submissions is 100 events in one commit) puts every processor behind at
 * once, it stops, its kept events grow old, no processor finds its position among them again, and each one
 * then notices new events only when its wait for them times out: about a second per hop, measured as 1 s of idle
 * latency from then on, until a restart.
 *
 * <p>This follower is a stream that follows the head, doing nothing with what it reads, and asks the reader to read
 * after each round, so the reader does not stay stopped: the processors that read the database are woken as soon as
 * new events are read, and rejoin. It asks without waiting. While it follows the reader it stays among the streams
 * the reader reads for; when it has itself fallen behind a stale cache, each empty answer moves it in or out of them
 * (Axon's stream goes back to the database when it finds itself behind, and rejoins the reader's streams at its next
 * ask), so it is among them at least every other round, and the reader then reads.
 */
@Component
class HeadFollower implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(HeadFollower.class);

    /** Often enough to keep up with the kept events under load; idle, a round costs the reader an empty read. */
    private static final Duration ROUND = Duration.ofMillis(100);

    /** After a failure (the database unreachable): the processors report it too, so this one waits and says it once. */
    private static final Duration AFTER_FAILURE = Duration.ofSeconds(5);

    private final LedgerEventStore events;
    private volatile Thread thread;

    HeadFollower(LedgerEventStore events) {
        this.events = events;
    }

    @Override
    public void start() {
        Thread follower = new Thread(this::follow, "event-store-head-follower");
        follower.setDaemon(true);
        thread = follower;
        follower.start();
    }

    @Override
    public void stop() {
        Thread follower = thread;
        thread = null;
        if (follower != null) {
            follower.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return thread != null;
    }

    /** Stopped among the first, before the event store shuts down. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1;
    }

    private void follow() {
        while (thread == Thread.currentThread()) {
            try (BlockingStream<TrackedEventMessage<?>> stream = events.openStream(events.createHeadToken())) {
                while (thread == Thread.currentThread()) {
                    readWhatIsThere(stream);
                    events.readHeadNow();
                    Thread.sleep(ROUND.toMillis());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn(
                        "Following the event store's head failed ({}); starting again from the head in {} s",
                        e.toString(),
                        AFTER_FAILURE.toSeconds());
                try {
                    Thread.sleep(AFTER_FAILURE.toMillis());
                } catch (InterruptedException stopped) {
                    return;
                }
            }
        }
    }

    private static void readWhatIsThere(BlockingStream<TrackedEventMessage<?>> stream) throws InterruptedException {
        while (stream.hasNextAvailable(0, TimeUnit.MILLISECONDS)) {
            stream.nextAvailable();
        }
    }
}
