package dev.jobledger.app.axon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;
import org.axonframework.common.DateTimeUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Stored timestamps read field by field give the instant Axon's own parser gives. */
class LedgerEventStorageEngineTest {

    @Test
    void everyTimestampAxonWritesReadsBackAsTheInstantAxonsParserReads() {
        SplittableRandom random = new SplittableRandom(20261201);
        long from = Instant.parse("1970-01-01T00:00:00Z").toEpochMilli();
        long to = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
        for (int i = 0; i < 100_000; i++) {
            String stored = DateTimeUtils.formatInstant(Instant.ofEpochMilli(random.nextLong(from, to)));

            assertThat(LedgerEventStorageEngine.parseTimestamp(stored))
                    .as(stored)
                    .isEqualTo(DateTimeUtils.parseInstant(stored));
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2024-02-29T23:59:59.999Z",
                "2026-12-31T00:00:00.000Z",
                "1970-01-01T00:00:00.000Z",
                "2026-12-01T17:14:31.123+01:00",
                "2026-12-01t16:14:31.123z",
                "2026-12-01T16:14:31.123456Z",
                "+12026-12-01T16:14:31.123Z"
            })
    void otherFormsAreReadAsAxonReadsThem(String stored) {
        assertThat(LedgerEventStorageEngine.parseTimestamp(stored)).isEqualTo(DateTimeUtils.parseInstant(stored));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-02-30T00:00:00.000Z", "2026-13-01T00:00:00.000Z", "2026-12-01T24:00:00.000Z", "x"})
    void whatIsNoInstantIsRefusedAsAxonRefusesIt(String stored) {
        assertThatThrownBy(() -> LedgerEventStorageEngine.parseTimestamp(stored))
                .isInstanceOf(DateTimeParseException.class);
    }
}
