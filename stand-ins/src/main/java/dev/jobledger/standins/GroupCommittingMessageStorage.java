package dev.jobledger.standins;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.Status;
import org.elasticmq.actor.queue.OperationSuccessful$;
import org.elasticmq.actor.queue.QueueEvent;
import org.elasticmq.persistence.sql.DBMessage;
import org.elasticmq.persistence.sql.SqlQueuePersistenceActor;
import org.elasticmq.persistence.sql.SqlQueuePersistenceConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * ElasticMQ's SQL message storage, with the messages' changes committed in groups. ElasticMQ's own storage actor
 * writes each change (a message sent, received, deleted) in a transaction of its own, one statement and one durable
 * commit per change through one actor: three round trips and three WAL flushes per job in the local pipeline, a fifth
 * of the stack's database work (docs/benchmarks.md, thirteenth round). This actor takes the changes that arrive while
 * it writes, writes them together in one transaction (one JDBC batch per kind of statement) and answers each only
 * once that transaction has committed: an answered change is as durable as before.
 *
 * <p>Queues (their metadata, creation, deletion) and the restore at start stay with ElasticMQ's own actor, which
 * reads back the rows written here: the tables, columns and encodings are ElasticMQ's ({@link DBMessage}), version
 * pinned in the parent pom and checked by {@code PersistentLocalSqsTest}.
 */
final class GroupCommittingMessageStorage extends AbstractActor {

    private static final Logger log = LoggerFactory.getLogger(GroupCommittingMessageStorage.class);

    /** Sent to itself when a first change waits: the changes already in the mailbox arrive before it. */
    private enum Write {
        PENDING
    }

    private record Change(String table, String messageId, String sql, Object[] arguments, ActorRef sender) {}

    private final ActorRef queues;
    private final LocalSqs.Storage storage;
    private final Set<String> tables = new HashSet<>();
    private final List<Change> pending = new ArrayList<>();
    private Connection connection;

    private GroupCommittingMessageStorage(SqlQueuePersistenceConfig config, LocalSqs.Storage storage) {
        this.storage = storage;
        this.queues = getContext()
                .actorOf(Props.create(
                        SqlQueuePersistenceActor.class,
                        () -> new SqlQueuePersistenceActor(config, scala.collection.immutable.List$.MODULE$.empty())));
    }

    static Props props(SqlQueuePersistenceConfig config, LocalSqs.Storage storage) {
        return Props.create(
                GroupCommittingMessageStorage.class, () -> new GroupCommittingMessageStorage(config, storage));
    }

    @Override
    public Receive createReceive() {
        return receiveBuilder()
                .match(QueueEvent.MessageAdded.class, added -> hold(added.queueName(), () -> added(added)))
                .match(QueueEvent.MessageUpdated.class, updated -> hold(updated.queueName(), () -> updated(updated)))
                .match(
                        QueueEvent.MessageRemoved.class,
                        removed -> hold(
                                removed.queueName(),
                                () -> new Change(
                                        null,
                                        removed.messageId(),
                                        "delete from %s where message_id = ?",
                                        new Object[] {removed.messageId()},
                                        null)))
                .matchEquals(Write.PENDING, write -> writePending())
                .matchAny(other -> queues.forward(other, getContext()))
                .build();
    }

    private static Change added(QueueEvent.MessageAdded added) {
        DBMessage message = DBMessage.from(added.message());
        return new Change(
                null,
                message.messageId(),
                """
                insert into %s (message_id, delivery_receipts, next_delivery, content, attributes, created, received,
                    receive_count, group_id, deduplication_id, tracing_id, sequence_number, dead_letter_source_queue_name)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                new Object[] {
                    message.messageId(),
                    message.deliveryReceipts(),
                    message.nextDelivery(),
                    message.content(),
                    message.attributes(),
                    message.created(),
                    orNull(message.received()),
                    message.receiveCount(),
                    orNull(message.groupId()),
                    orNull(message.deduplicationId()),
                    orNull(message.tracingId()),
                    orNull(message.sequenceNumber()),
                    orNull(message.deadLetterSourceQueueName())
                },
                null);
    }

    private static Change updated(QueueEvent.MessageUpdated updated) {
        DBMessage message = DBMessage.from(updated.message());
        return new Change(
                null,
                message.messageId(),
                """
                update %s set delivery_receipts = ?, next_delivery = ?, attributes = ?, received = ?, receive_count = ?,
                    tracing_id = ?, sequence_number = ?, dead_letter_source_queue_name = ?
                where message_id = ?
                """,
                new Object[] {
                    message.deliveryReceipts(),
                    message.nextDelivery(),
                    message.attributes(),
                    orNull(message.received()),
                    message.receiveCount(),
                    orNull(message.tracingId()),
                    orNull(message.sequenceNumber()),
                    orNull(message.deadLetterSourceQueueName()),
                    message.messageId()
                },
                null);
    }

    private void hold(String queueName, Supplier<Change> read) {
        Change change;
        try {
            change = read.get();
        } catch (RuntimeException e) {
            getSender().tell(new Status.Failure(e), getSelf());
            return;
        }
        String table = table(queueName);
        pending.add(
                new Change(table, change.messageId(), change.sql().formatted(table), change.arguments(), getSender()));
        if (pending.size() == 1) {
            getSelf().tell(Write.PENDING, getSelf());
        }
    }

    /**
     * Writes every waiting change in one transaction and answers them. A message's changes keep their order (sent,
     * then received, then deleted can all wait together); different messages' changes touch different rows, so each
     * change joins the first batch of its statement after the last one that holds a change of the same message.
     */
    private void writePending() {
        List<Change> changes = List.copyOf(pending);
        pending.clear();
        try {
            Connection writing = connection();
            List<String> created = new ArrayList<>();
            try {
                for (String table :
                        changes.stream().map(Change::table).distinct().toList()) {
                    if (!tables.contains(table)) {
                        create(writing, table);
                        created.add(table);
                    }
                }
                for (List<Change> batch : batches(changes)) {
                    try (PreparedStatement statement =
                            writing.prepareStatement(batch.get(0).sql())) {
                        for (Change change : batch) {
                            bind(statement, change.arguments());
                            statement.addBatch();
                        }
                        statement.executeBatch();
                    }
                }
                writing.commit();
                tables.addAll(created);
            } catch (SQLException e) {
                writing.rollback();
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            log.warn(
                    "Could not store {} local SQS message changes; their calls fail and are retried",
                    changes.size(),
                    e);
            closeConnection();
            changes.forEach(change -> change.sender().tell(new Status.Failure(e), getSelf()));
            return;
        }
        changes.forEach(change -> change.sender().tell(OperationSuccessful$.MODULE$, getSelf()));
    }

    private static List<List<Change>> batches(List<Change> changes) {
        List<List<Change>> batches = new ArrayList<>();
        Map<String, Integer> lastBatchOfMessage = new HashMap<>();
        for (Change change : changes) {
            String message = change.table() + '/' + change.messageId();
            int batch = lastBatchOfMessage.getOrDefault(message, -1) + 1;
            while (batch < batches.size() && !batches.get(batch).get(0).sql().equals(change.sql())) {
                batch++;
            }
            if (batch == batches.size()) {
                batches.add(new ArrayList<>());
            }
            batches.get(batch).add(change);
            lastBatchOfMessage.put(message, batch);
        }
        return batches;
    }

    private static void bind(PreparedStatement statement, Object[] arguments) throws SQLException {
        for (int i = 0; i < arguments.length; i++) {
            Object argument = arguments[i];
            if (argument == null) {
                statement.setNull(i + 1, Types.OTHER);
            } else if (argument instanceof byte[] bytes) {
                statement.setBytes(i + 1, bytes);
            } else {
                statement.setObject(i + 1, argument);
            }
        }
    }

    /** ElasticMQ's table for the queue's messages, named as its own storage names it. */
    private static String table(String queueName) {
        return "message_" + queueName.replace(".", "_").replace("-", "_") + "_"
                + Integer.toHexString(queueName.hashCode());
    }

    /**
     * ElasticMQ's own actor creates a queue's table when it hears of the queue, which may be after the queue's first
     * message arrives here: the same definition, if it is not there yet.
     */
    private static void create(Connection writing, String table) throws SQLException {
        try (Statement statement = writing.createStatement()) {
            statement.execute("""
                    create table if not exists %s (
                        message_id varchar unique, delivery_receipts blob, next_delivery bigint, content blob,
                        attributes blob, created bigint, received bigint, receive_count int, group_id varchar,
                        deduplication_id varchar, tracing_id varchar, sequence_number varchar,
                        dead_letter_source_queue_name varchar)
                    """.formatted(table));
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = DriverManager.getConnection(storage.jdbcUrl(), storage.username(), storage.password());
            connection.setAutoCommit(false);
        }
        return connection;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("Closing a failed local SQS storage connection", e);
            }
            connection = null;
        }
    }

    @Override
    public void postStop() {
        closeConnection();
    }

    private static Object orNull(Option<?> value) {
        return value.isDefined() ? value.get() : null;
    }
}
