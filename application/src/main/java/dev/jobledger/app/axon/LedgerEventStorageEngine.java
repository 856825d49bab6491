package dev.jobledger.app.axon;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.axonframework.common.DateTimeUtils;
import org.axonframework.common.jdbc.JdbcUtils;
import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GenericTrackedDomainEventMessage;
import org.axonframework.eventhandling.GenericTrackedEventMessage;
import org.axonframework.eventhandling.TrackedDomainEventData;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.LazyDeserializingObject;
import org.axonframework.serialization.SerializedMessage;
import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.upcasting.event.InitialEventRepresentation;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;

/**
 * Axon's JDBC storage engine, with each stored event's timestamp read once and without a formatter, and tracked events
 * that keep their payloads only while they are used (large ones not even as stored). Axon keeps an event's timestamp
 * as the stored text and parses it with a {@code DateTimeFormatter} whenever it is asked for it: once while reading, to
 * decide about gaps, and again when the message is made. In a read-model rebuild that was an eighth of the processors'
 * CPU.
 *
 * <p>Reading tracked events repeats Axon's own token logic ({@code JdbcEventStorageEngine#getTrackedEventData} in
 * 4.13), with the gap settings this class sets on the builder. The event store's reader of the latest events gets one
 * fetch per read, at the pace {@link PacedHeadReads} sets.
 */
final class LedgerEventStorageEngine extends JdbcEventStorageEngine {

    /** Axon's defaults, set explicitly because the token logic below needs them and the engine keeps them private. */
    private static final long LOWEST_GLOBAL_SEQUENCE = 1;

    private static final int MAX_GAP_OFFSET = 10_000;
    private static final int GAP_TIMEOUT_MILLIS = 60_000;

    /** Payloads up to this size keep the copy first deserialised; larger ones only while used. */
    private static final int SMALL_PAYLOAD_BYTES = 4096;

    /**
     * Payloads above this size are not kept by a read event at all, neither as stored nor deserialised: it reads them
     * again from the store, by its identifier, whenever a processor asks. The event store keeps the latest events for
     * the processors ({@code jobledger.event-store.cached-events}), and a log call may store megabytes: with this, a
     * kept event weighs at most about this much, whatever was logged.
     */
    static final int KEPT_PAYLOAD_BYTES = 64 * 1024;

    private final EventSchema schema;
    private final String payloadById;
    private final PacedHeadReads headReads;

    private LedgerEventStorageEngine(Builder builder, EventSchema schema, PacedHeadReads headReads) {
        super(builder);
        this.schema = schema;
        this.headReads = headReads;
        this.payloadById = "SELECT " + schema.payloadColumn() + " FROM " + schema.domainEventTable() + " WHERE "
                + schema.eventIdentifierColumn() + " = ?";
    }

    static LedgerEventStorageEngine of(Builder builder, EventSchema schema, PacedHeadReads headReads) {
        builder.schema(schema)
                .lowestGlobalSequence(LOWEST_GLOBAL_SEQUENCE)
                .maxGapOffset(MAX_GAP_OFFSET)
                .gapTimeout(GAP_TIMEOUT_MILLIS);
        return new LedgerEventStorageEngine(builder, schema, headReads);
    }

    /**
     * The events after the token, made as Axon makes them ({@code EventUtils#upcastAndDeserializeTrackedEvents} in
     * 4.13) but with payloads of more than {@value #SMALL_PAYLOAD_BYTES} bytes {@linkplain PayloadKeptWhileUsed kept
     * only while used}, and those of more than {@value #KEPT_PAYLOAD_BYTES} read again when used: the event store keeps
     * the latest of these messages in memory for the processors, and what it keeps should weigh at most about what was
     * stored, and never more than the larger bound. A job's own events are a few hundred bytes and keep their one copy,
     * which the processors that read them at different times share.
     */
    @Override
    public Stream<? extends TrackedEventMessage<?>> readEvents(TrackingToken trackingToken, boolean mayBlock) {
        // Only the event store's reader of the latest events asks with mayBlock, and only it is paced.
        return mayBlock
                ? headReads.read(batchSize(), () -> oneBatchAfter(trackingToken))
                : tracked(readEventData(trackingToken, false));
    }

    /**
     * One query for the reader of the latest events. Axon's stream of tracked events fetches until a fetch comes back
     * empty, and an empty fetch adds the extended gap check: every read that found events cost three queries. The
     * reader reads again after a read that found events, so what a fuller fetch would have found it finds then. Only
     * when upcasting drops every event of a fetch does it fetch on past them, as Axon's stream would: an empty answer
     * would leave the reader's position where it was, and it would fetch the same events again for good.
     */
    private Stream<TrackedEventMessage<?>> oneBatchAfter(TrackingToken trackingToken) {
        TrackingToken from = trackingToken;
        while (true) {
            List<? extends TrackedEventData<?>> stored = fetchTrackedEvents(from, batchSize());
            if (stored.isEmpty()) {
                return Stream.empty();
            }
            List<TrackedEventMessage<?>> events = tracked(stored.stream()).toList();
            if (!events.isEmpty()) {
                return events.stream();
            }
            from = stored.get(stored.size() - 1).trackingToken();
        }
    }

    private Stream<TrackedEventMessage<?>> tracked(Stream<? extends TrackedEventData<?>> entries) {
        Serializer serializer = getEventSerializer();
        return upcasterChain
                .upcast(entries.map(entry -> new InitialEventRepresentation(entry, serializer)))
                .map(event -> tracked(event, serializer));
    }

    /**
     * The message keeps its payload as {@link #payload} decides, and the timestamp as read: a supplier of it would hold
     * the representation, and with it the stored row.
     */
    private TrackedEventMessage<?> tracked(IntermediateEventRepresentation event, Serializer serializer) {
        SerializedMessage<?> message =
                new SerializedMessage<>(event.getMessageIdentifier(), payload(event, serializer), event.getMetaData());
        TrackingToken token = event.getTrackingToken().orElseThrow();
        Instant timestamp = event.getTimestamp();
        if (event.getAggregateIdentifier().isPresent()) {
            return new GenericTrackedDomainEventMessage<>(
                    token,
                    event.getAggregateType().orElse(null),
                    event.getAggregateIdentifier().get(),
                    event.getSequenceNumber().orElseThrow(),
                    message,
                    () -> timestamp);
        }
        return new GenericTrackedEventMessage<>(token, message, () -> timestamp);
    }

    /**
     * Only a payload read as it was stored is weighed: an upcast one has no stored size, and each look at its data
     * upcasts it again, so it keeps Axon's holder, which upcasts and deserialises once. Upcasts concern old events,
     * which the processors read from the database rather than from the cache of the latest.
     */
    private LazyDeserializingObject<?> payload(IntermediateEventRepresentation event, Serializer serializer) {
        SerializedType type = event.getType();
        if (event instanceof InitialEventRepresentation && event.getData().getData() instanceof byte[] stored) {
            if (stored.length > KEPT_PAYLOAD_BYTES) {
                String identifier = event.getMessageIdentifier();
                return new PayloadKeptWhileUsed<>(
                        () -> new SimpleSerializedObject<>(storedPayload(identifier), byte[].class, type),
                        type,
                        serializer);
            }
            if (stored.length > SMALL_PAYLOAD_BYTES) {
                return new PayloadKeptWhileUsed<>(event::getData, type, serializer);
            }
        }
        return new LazyDeserializingObject<>(event::getData, type, serializer);
    }

    private byte[] storedPayload(String eventIdentifier) {
        return JdbcUtils.executeQuery(
                getConnection(),
                connection -> {
                    PreparedStatement select = connection.prepareStatement(payloadById);
                    select.setString(1, eventIdentifier);
                    return select;
                },
                resultSet -> {
                    if (!resultSet.next()) {
                        throw new EventStoreException("The payload of event " + eventIdentifier + " is not stored");
                    }
                    return readPayload(resultSet, schema.payloadColumn());
                },
                e -> new EventStoreException("Could not read the payload of event " + eventIdentifier, e));
    }

    @Override
    protected TrackedEventData<?> getTrackedEventData(ResultSet resultSet, GapAwareTrackingToken previousToken)
            throws SQLException {
        long globalSequence = resultSet.getLong(schema.globalIndexColumn());
        String aggregateIdentifier = resultSet.getString(schema.aggregateIdentifierColumn());
        String eventIdentifier = resultSet.getString(schema.eventIdentifierColumn());
        Entry<?> event = entry(resultSet, eventIdentifier.equals(aggregateIdentifier) ? null : aggregateIdentifier);

        boolean allowGaps = event.getTimestamp()
                .isAfter(GenericEventMessage.clock.instant().minus(GAP_TIMEOUT_MILLIS, ChronoUnit.MILLIS));
        GapAwareTrackingToken token;
        if (previousToken == null) {
            token = GapAwareTrackingToken.newInstance(
                    globalSequence,
                    allowGaps
                            ? LongStream.range(Math.min(LOWEST_GLOBAL_SEQUENCE, globalSequence), globalSequence)
                                    .boxed()
                                    .collect(Collectors.toCollection(TreeSet::new))
                            : Collections.emptySortedSet());
        } else {
            token = previousToken.advanceTo(globalSequence, allowGaps ? MAX_GAP_OFFSET : 0);
        }
        return new TrackedDomainEventData<>(token, event);
    }

    @Override
    protected DomainEventData<?> getDomainEventData(ResultSet resultSet) throws SQLException {
        return entry(resultSet, resultSet.getString(schema.aggregateIdentifierColumn()));
    }

    @Override
    protected DomainEventData<?> getSnapshotData(ResultSet resultSet) throws SQLException {
        return entry(resultSet, resultSet.getString(schema.aggregateIdentifierColumn()));
    }

    private Entry<?> entry(ResultSet resultSet, String aggregateIdentifier) throws SQLException {
        return new Entry<>(
                resultSet.getString(schema.typeColumn()),
                aggregateIdentifier,
                resultSet.getLong(schema.sequenceNumberColumn()),
                resultSet.getString(schema.eventIdentifierColumn()),
                String.valueOf(readTimeStamp(resultSet, schema.timestampColumn())),
                resultSet.getString(schema.payloadTypeColumn()),
                resultSet.getString(schema.payloadRevisionColumn()),
                readPayload(resultSet, schema.payloadColumn()),
                readPayload(resultSet, schema.metaDataColumn()));
    }

    /** A stored event whose timestamp was parsed when it was read. */
    private static final class Entry<T> extends GenericDomainEventEntry<T> {

        private final Instant timestamp;

        Entry(
                String type,
                String aggregateIdentifier,
                long sequenceNumber,
                String eventIdentifier,
                String timestamp,
                String payloadType,
                String payloadRevision,
                T payload,
                T metaData) {
            super(
                    type,
                    aggregateIdentifier,
                    sequenceNumber,
                    eventIdentifier,
                    timestamp,
                    payloadType,
                    payloadRevision,
                    payload,
                    metaData);
            this.timestamp = parseTimestamp(timestamp);
        }

        @Override
        public Instant getTimestamp() {
            return timestamp;
        }
    }

    /**
     * The instant of a stored timestamp. Axon writes them as {@code 2026-12-01T16:14:31.123Z} (UTC, milliseconds):
     * that form is read field by field; anything else (another writer, another offset) goes through Axon's parser.
     */
    static Instant parseTimestamp(String text) {
        if (text.length() == 24
                && text.charAt(4) == '-'
                && text.charAt(7) == '-'
                && text.charAt(10) == 'T'
                && text.charAt(13) == ':'
                && text.charAt(16) == ':'
                && text.charAt(19) == '.'
                && text.charAt(23) == 'Z') {
            int year = digits(text, 0, 4);
            int month = digits(text, 5, 2);
            int day = digits(text, 8, 2);
            int hour = digits(text, 11, 2);
            int minute = digits(text, 14, 2);
            int second = digits(text, 17, 2);
            int millis = digits(text, 20, 3);
            if (year >= 0
                    && month >= 0
                    && day >= 0
                    && hour >= 0
                    && hour < 24
                    && minute >= 0
                    && minute < 60
                    && second >= 0
                    && second < 60
                    && millis >= 0) {
                try {
                    long epochDay = LocalDate.of(year, month, day).toEpochDay();
                    return Instant.ofEpochSecond(
                            epochDay * 86_400 + hour * 3_600L + minute * 60L + second, millis * 1_000_000L);
                } catch (DateTimeException e) {
                    // not a date (2026-02-30): let Axon's parser give its own answer
                }
            }
        }
        return DateTimeUtils.parseInstant(text);
    }

    /** The decimal number of {@code count} ASCII digits at {@code start}, or -1 if any is not a digit. */
    private static int digits(String text, int start, int count) {
        int value = 0;
        for (int i = start; i < start + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
