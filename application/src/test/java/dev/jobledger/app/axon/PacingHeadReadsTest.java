package dev.jobledger.app.axon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PacingHeadReadsTest {

    private static final Duration INTERVAL = Duration.ofMillis(5);
    private static final int FULL = 100;

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final List<Long> sleeps = new ArrayList<>();
    private final PacedHeadReads reads =
            new PacedHeadReads(new PacedHeadReads.Settings(INTERVAL, 2), clock::get, nanos -> {
                sleeps.add(nanos);
                clock.addAndGet(nanos);
            });

    @Test
    void readsAfterReadsThatFoundOneEventOrNoneGoAheadAtOnce() {
        read(0);
        read(1);
        read(0);
        read(1);

        assertThat(sleeps).isEmpty();
    }

    @Test
    void aReadAfterABusyOneWaitsUntilTheIntervalHasPassedSinceThatOneStarted() {
        read(3);
        clock.addAndGet(Duration.ofMillis(2).toNanos());

        read(2);

        assertThat(sleeps).containsExactly(Duration.ofMillis(3).toNanos());
    }

    @Test
    void emptyReadsKeepThePaceOfTheLastReadThatFoundEvents() {
        read(3);
        read(0);
        clock.addAndGet(Duration.ofMillis(1).toNanos());

        read(0);

        assertThat(sleeps)
                .containsExactly(INTERVAL.toNanos(), Duration.ofMillis(4).toNanos());
    }

    @Test
    void aReadThatFoundOneEventEndsThePace() {
        read(3);
        read(1);

        read(0);

        assertThat(sleeps).containsExactly(INTERVAL.toNanos());
    }

    @Test
    void aReadAfterAFullBatchGoesAheadAtOnceSoThatABacklogIsReadWithoutPause() {
        read(FULL);
        read(FULL);
        read(3);

        read(0);

        assertThat(sleeps).containsExactly(INTERVAL.toNanos());
    }

    @Test
    void aReadWaitsForNothingOnceTheIntervalHasPassed() {
        read(3);
        clock.addAndGet(INTERVAL.toNanos());

        read(2);

        assertThat(sleeps).isEmpty();
    }

    @Test
    void everyReadIsHandedTheEventsItRead() {
        assertThat(reads.read(FULL, () -> events(3)).toList()).containsExactly(0, 1, 2);
    }

    @Test
    void aZeroIntervalNeverWaits() {
        PacedHeadReads unpaced = new PacedHeadReads(
                new PacedHeadReads.Settings(Duration.ZERO, 1), clock::get, nanos -> sleeps.add(nanos));

        unpaced.read(FULL, () -> events(10)).forEach(event -> {});
        unpaced.read(FULL, () -> events(10)).forEach(event -> {});

        assertThat(sleeps).isEmpty();
    }

    @Test
    void settingsThatWouldWaitBackwardsOrAfterEveryReadAreRefused() {
        assertThatThrownBy(() -> new PacedHeadReads.Settings(Duration.ofMillis(-1), 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jobledger.event-store.head-reads");
        assertThatThrownBy(() -> new PacedHeadReads.Settings(INTERVAL, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jobledger.event-store.head-reads");
    }

    /** A read as Axon's reader makes it: every event it finds is taken before the next read. */
    private void read(int found) {
        reads.read(FULL, () -> events(found)).forEach(event -> {});
    }

    private static Stream<Integer> events(int count) {
        return IntStream.range(0, count).boxed();
    }
}
