package dev.jobledger.query.live;

import dev.jobledger.messages.JobStatus;
import dev.jobledger.messages.Progress;
import dev.jobledger.messages.Viewer;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Feeds the open live streams from the {@code job} read table, not from an in-process callback: every instance
 * follows the same table, so a stream on one instance sees jobs whose events another instance projected, and a
 * stream resumes on any instance from its {@code Last-Event-ID}.
 *
 * <p>Rows carry the global index of the last event applied to them. The {@code job-view} processor has one segment
 * and applies events in index order, committing each batch at once, so when a reader has seen index n it has seen
 * every change up to n: a stream's cursor is the index of the last row it sent. A rebuild replays the same indexes,
 * so a cursor stays valid across it (rows come back at their old indexes and are not sent again).
 *
 * <p>One scheduler thread asks for the newest index; a stream whose scope may have changed since is served on a small
 * pool, one task per stream at a time, so a client that reads slowly holds up only itself.
 */
@Component
@ConditionalOnWebApplication
class JobChanges implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobChanges.class);
    private static final int BATCH = 100;
    private static final String COLUMNS = "last_event_index, id, job_type, user_id, status, attempt, attempts,"
            + " max_attempts, processed_rows, total_rows, failed_rows, log_count, error_reason, dead_lettered,"
            + " updated_at";

    /** Too many open streams, of one user or of the instance. */
    static final class TooManyStreams extends RuntimeException {
        TooManyStreams(String message) {
            super(message);
        }
    }

    private final JdbcTemplate jdbc;
    private final LiveSettings properties;
    private final Map<SseEmitter, Stream> streams = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perUser = new ConcurrentHashMap<>();
    private volatile ScheduledExecutorService ticks;
    private volatile ExecutorService senders;

    JobChanges(JdbcTemplate jdbc, LiveSettings properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    /** The newest change in the table: where a stream without {@code Last-Event-ID} starts. */
    long newest() {
        Long newest = jdbc.queryForObject("SELECT COALESCE(MAX(last_event_index), 0) FROM job", Long.class);
        return newest == null ? 0 : newest;
    }

    /**
     * Opens a stream of the viewer's jobs ({@code jobId} null: every job they may see) or of one job, sending changes
     * after {@code after}.
     */
    SseEmitter open(Viewer viewer, UUID jobId, long after) {
        synchronized (streams) {
            if (streams.size() >= properties.maxStreams()) {
                throw new TooManyStreams(
                        "This instance holds its most live streams (" + properties.maxStreams() + "); try again later");
            }
            AtomicInteger mine = perUser.get(viewer.userId());
            if (mine != null && mine.get() >= properties.maxStreamsPerUser()) {
                throw new TooManyStreams("At most " + properties.maxStreamsPerUser()
                        + " live streams per user are open at once; close one first");
            }
            SseEmitter emitter = new SseEmitter(properties.streamTimeout().toMillis());
            Stream stream = new Stream(emitter, viewer, jobId, after);
            try {
                // The first event says where the stream starts, so that a reconnect resumes there even when nothing
                // changed meanwhile; retry tells EventSource how soon to reconnect after a timeout. Sent before the
                // stream is registered: once it is, the senders may send it changes at any moment, and a change
                // sent first would precede the event that says where the stream starts.
                emitter.send(SseEmitter.event()
                        .name("ready")
                        .id(Long.toString(after))
                        .reconnectTime(2000)
                        .data(Map.of("after", after), MediaType.APPLICATION_JSON));
            } catch (IOException e) {
                return emitter; // never registered: nothing to close
            }
            // Counted only once registered: a stream whose first event could not be sent leaves no count behind.
            perUser.computeIfAbsent(viewer.userId(), user -> new AtomicInteger())
                    .incrementAndGet();
            streams.put(emitter, stream);
            emitter.onCompletion(() -> close(stream));
            emitter.onTimeout(() -> close(stream));
            emitter.onError(failure -> close(stream));
            return emitter;
        }
    }

    private void close(Stream stream) {
        if (streams.remove(stream.emitter) != null) {
            perUser.computeIfPresent(
                    stream.viewer.userId(), (user, count) -> count.decrementAndGet() <= 0 ? null : count);
        }
    }

    int openStreams() {
        return streams.size();
    }

    private void tick() {
        try {
            if (streams.isEmpty()) {
                return;
            }
            long newest = newest();
            long now = System.nanoTime();
            for (Stream stream : streams.values()) {
                boolean due = stream.checkedUpTo < newest
                        || now - stream.lastSent >= properties.heartbeat().toNanos();
                if (due && stream.busy.compareAndSet(false, true)) {
                    senders.execute(() -> {
                        try {
                            serve(stream, newest);
                        } finally {
                            stream.busy.set(false);
                        }
                    });
                }
            }
        } catch (RuntimeException e) {
            // The database may be away for a moment; the next tick tries again, and heartbeats wait for it.
            log.warn("Could not check the job table for changes: {}", e.toString());
        }
    }

    private void serve(Stream stream, long newest) {
        try {
            if (stream.checkedUpTo < newest) {
                List<JobChange> changes;
                do {
                    changes = changesAfter(stream);
                    for (JobChange change : changes) {
                        stream.emitter.send(SseEmitter.event()
                                .name("job")
                                .id(Long.toString(change.index()))
                                .data(change, MediaType.APPLICATION_JSON));
                        stream.cursor = change.index();
                        stream.lastSent = System.nanoTime();
                    }
                } while (changes.size() == BATCH);
                stream.checkedUpTo = newest;
            }
            if (System.nanoTime() - stream.lastSent >= properties.heartbeat().toNanos()) {
                stream.emitter.send(SseEmitter.event().comment("heartbeat"));
                stream.lastSent = System.nanoTime();
            }
        } catch (IOException | IllegalStateException gone) {
            // The client went away (or the emitter timed out meanwhile): nothing more to send on this stream.
            close(stream);
            try {
                stream.emitter.completeWithError(gone);
            } catch (RuntimeException alreadyClosed) {
                // the container has closed the response already
            }
        } catch (RuntimeException e) {
            log.warn("Could not serve a live stream: {}", e.toString());
        }
    }

    private List<JobChange> changesAfter(Stream stream) {
        List<Object> arguments = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM job WHERE last_event_index > ?");
        arguments.add(stream.cursor);
        if (stream.jobId != null) {
            sql.append(" AND id = ?");
            arguments.add(stream.jobId);
        }
        if (!stream.viewer.admin()) {
            sql.append(" AND user_id = ?");
            arguments.add(stream.viewer.userId());
        }
        sql.append(" ORDER BY last_event_index LIMIT ").append(BATCH);
        return jdbc.query(sql.toString(), JobChanges::change, arguments.toArray());
    }

    private static JobChange change(ResultSet row, int number) throws SQLException {
        long total = row.getLong("total_rows");
        boolean noTotal = row.wasNull();
        return new JobChange(
                row.getLong("last_event_index"),
                row.getObject("id", UUID.class),
                row.getString("job_type"),
                row.getString("user_id"),
                JobStatus.valueOf(row.getString("status")),
                row.getInt("attempt"),
                row.getInt("attempts"),
                row.getInt("max_attempts"),
                new Progress(row.getLong("processed_rows"), noTotal ? null : total, row.getLong("failed_rows")),
                row.getLong("log_count"),
                row.getString("error_reason"),
                row.getBoolean("dead_lettered"),
                row.getTimestamp("updated_at").toInstant());
    }

    @Override
    public void start() {
        senders = Executors.newFixedThreadPool(4, daemon("live-stream-sender"));
        ticks = Executors.newSingleThreadScheduledExecutor(daemon("live-stream-poller"));
        long interval = properties.pollInterval().toMillis();
        ticks.scheduleWithFixedDelay(this::tick, interval, interval, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        ticks.shutdownNow();
        streams.keySet().forEach(SseEmitter::complete);
        senders.shutdownNow();
        ticks = null;
    }

    @Override
    public boolean isRunning() {
        return ticks != null;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** One open stream: whose, of which job (null: all the viewer may see), and how far it has been sent. */
    private static final class Stream {
        final SseEmitter emitter;
        final Viewer viewer;
        final UUID jobId;
        final AtomicBoolean busy = new AtomicBoolean();
        volatile long cursor;
        /** The newest index known when this stream was last queried: nothing up to it is left to send. */
        volatile long checkedUpTo = -1;

        volatile long lastSent = System.nanoTime();

        Stream(SseEmitter emitter, Viewer viewer, UUID jobId, long after) {
            this.emitter = emitter;
            this.viewer = viewer;
            this.jobId = jobId;
            this.cursor = after;
        }
    }
}
