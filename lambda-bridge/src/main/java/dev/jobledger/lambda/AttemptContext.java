package dev.jobledger.lambda;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobledger.lambda.spi.JobContext;
import dev.jobledger.lambda.spi.JobLogger;
import dev.jobledger.messages.Delivery;
import dev.jobledger.messages.LogEntry;
import dev.jobledger.messages.LogLevel;
import dev.jobledger.messages.Progress;
import dev.jobledger.messages.ReportAck;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The {@link JobContext} of one running attempt. Buffers the job's log and the latest progress, and sends them
 * whenever one of the handler's calls finds them due (every {@code logFlushEntries} lines or about {@value
 * BridgeConfig#MAX_LOG_BYTES_PER_CALL} bytes, or every {@code reportInterval}). What is still buffered when the handler
 * ends is not sent here: it rides on the attempt's finish report ({@link #takeUnsent()}). Learns from the ledger's
 * answers when to stop. Its calls are also the chances to send the finish reports of the invocation's earlier attempts
 * while this one runs.
 *
 * <p>A log call goes out while the handler goes on: at most one is on its way, its lines stay buffered until the ledger
 * has answered, and it is waited for before the next log call, before progress (the log stays ahead of the progress it
 * explains), and before anyone reads whether the attempt stopped or takes what is unsent. A handler that logs a lot (a
 * CSV import with many bad rows) would otherwise wait for the ledger at every batch of lines. Nothing is on its way
 * when the attempt's outcome is decided, so the invocation ends with no call in flight.
 */
final class AttemptContext implements JobContext, JobLogger {

    /** Why the attempt stopped before its handler finished. */
    enum StopReason {
        /** The ledger answered proceed=false (or 404/409): cancelled, finished, or a newer attempt runs. */
        LEDGER_SAID_STOP,
        /** The invocation's remaining time fell below the safety margin. */
        TIME_SHORT,
        /** The ledger could not be reached after the bridge's retries. */
        LEDGER_UNREACHABLE,
        /**
         * The ledger refused a report for a reason that says nothing about the job (401, 403, 429, ...): the bridge
         * cannot report, so the attempt ends as a retryable failure; never acknowledged as if the ledger said stop.
         */
        LEDGER_REFUSED
    }

    /** What the attempt had not sent when its handler ended: it goes with the finish report. */
    record Unsent(List<LogEntry> logs, Progress progress) {}

    /** A buffered log line and the size of its JSON, so that no call and no finish report grows too large. */
    private record Line(LogEntry entry, int bytes) {}

    /** The log call on its way: the oldest {@code lines} of the buffer, {@code bytes} of them. */
    private record InFlight(Future<ReportAck> answer, int lines, long bytes) {}

    /** Sends log calls for every attempt of this function instance; idle threads end, so a frozen instance holds none. */
    private static final ExecutorService LOG_CALLS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "ledger-log-call");
        thread.setDaemon(true);
        return thread;
    });

    static final int MAX_MESSAGE_LENGTH = 8000;

    private static final FunctionLog LOG = FunctionLog.of(AttemptContext.class);
    private static final ObjectMapper JSON = LedgerClient.mapper();

    private final LedgerClient ledger;
    private final BridgeConfig config;
    private final Deadline deadline;
    private final long reportIntervalNanos;
    private final UUID jobId;
    private final String jobType;
    private final int attempt;
    private final String ticket;
    private final Delivery delivery;
    private final Map<String, Object> payload;
    private final InputStream file;
    private final String fileName;
    private final PendingReports earlierAttempts;

    private final List<Line> buffer = new ArrayList<>();
    private long bufferedBytes;
    private long lastLogFlush = System.nanoTime();
    private long lastProgressSent = System.nanoTime();
    private long processed;
    private Long total;
    private long failed;
    private boolean progressPending;
    private StopReason stopReason;
    private String stopDetail;
    private InFlight inFlight;

    AttemptContext(
            LedgerClient ledger,
            BridgeConfig config,
            Deadline deadline,
            UUID jobId,
            String jobType,
            int attempt,
            String ticket,
            Delivery delivery,
            Map<String, Object> payload,
            InputStream file,
            String fileName,
            PendingReports earlierAttempts) {
        this.ledger = ledger;
        this.config = config;
        this.deadline = deadline;
        this.reportIntervalNanos = config.reportInterval().toNanos();
        this.jobId = jobId;
        this.jobType = jobType;
        this.attempt = attempt;
        this.ticket = ticket;
        this.delivery = delivery;
        this.payload = payload == null ? Map.of() : payload;
        this.file = file;
        this.fileName = fileName;
        this.earlierAttempts = earlierAttempts;
    }

    @Override
    public UUID jobId() {
        return jobId;
    }

    @Override
    public String jobType() {
        return jobType;
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public Map<String, Object> payload() {
        return payload;
    }

    @Override
    public Optional<InputStream> file() {
        return Optional.ofNullable(file);
    }

    @Override
    public Optional<String> fileName() {
        return Optional.ofNullable(fileName);
    }

    @Override
    public JobLogger log() {
        return this;
    }

    @Override
    public void log(LogLevel level, Long rowNumber, String message, Map<String, Object> meta) {
        String text = message == null || message.isBlank() ? "(no message)" : message;
        if (text.length() > MAX_MESSAGE_LENGTH) {
            text = text.substring(0, MAX_MESSAGE_LENGTH - 3) + "...";
        }
        Long row = rowNumber == null || rowNumber < 1 ? null : rowNumber;
        Line line = line(new LogEntry(level == null ? LogLevel.INFO : level, text, row, meta));
        buffer.add(line);
        bufferedBytes += line.bytes();
        if (unsentLines() >= config.logFlushEntries() || unsentBytes() >= BridgeConfig.MAX_LOG_BYTES_PER_CALL) {
            flushLogs(System.nanoTime());
        } else {
            sendDue(System.nanoTime());
        }
    }

    /**
     * Sized once here. Meta that cannot be written as JSON would fail the call carrying it, and a finish call carries
     * other jobs' reports too: it is replaced by a note.
     */
    private static Line line(LogEntry entry) {
        try {
            return new Line(entry, JSON.writeValueAsBytes(entry).length);
        } catch (JsonProcessingException e) {
            LOG.warn("a log line's meta is not JSON; sent without it: " + e.getOriginalMessage());
            LogEntry plain = new LogEntry(
                    entry.level(),
                    entry.message(),
                    entry.rowNumber(),
                    Map.of("metaError", "not JSON-serialisable: " + e.getClass().getSimpleName()));
            try {
                return new Line(plain, JSON.writeValueAsBytes(plain).length);
            } catch (JsonProcessingException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
    }

    @Override
    public void progress(long processed, Long total, long failed) {
        this.processed = Math.max(0, processed);
        this.total = total == null ? null : Math.max(0, total);
        this.failed = Math.max(0, failed);
        this.progressPending = true;
        sendDue(System.nanoTime());
    }

    /** One clock read: a handler may ask at every row. */
    @Override
    public boolean shouldStop() {
        long now = System.nanoTime();
        if (stopReason == null && deadline.timeShort(now)) {
            stop(StopReason.TIME_SHORT, "remaining Lambda time ran short");
        }
        if (stopReason == null) {
            sendDue(now);
        }
        return stopReason != null;
    }

    @Override
    public Duration remainingTime() {
        return deadline.remaining();
    }

    StopReason stopReason() {
        settleLogCall();
        return stopReason;
    }

    String stopDetail() {
        settleLogCall();
        return stopDetail;
    }

    /**
     * Takes the buffered lines and the pending progress, for the finish report. A report holds at most one call's
     * worth of lines: an excess (only possible once reports stopped going out) is sent ahead through the log
     * endpoint while that still works, else the oldest lines are dropped.
     */
    Unsent takeUnsent() {
        settleLogCall();
        while (!fitsOneCall() && !reportsStopped()) {
            sendOldestLogs();
            settleLogCall();
        }
        int dropped = 0;
        while (!fitsOneCall()) {
            bufferedBytes -= buffer.remove(0).bytes();
            dropped++;
        }
        if (dropped > 0) {
            LOG.warn("dropped the " + dropped + " oldest unsent log lines: they do not fit in the finish report");
        }
        List<LogEntry> logs = buffer.stream().map(Line::entry).toList();
        buffer.clear();
        bufferedBytes = 0;
        Progress progress = progressPending ? new Progress(processed, total, failed) : null;
        progressPending = false;
        return new Unsent(logs, progress);
    }

    private boolean fitsOneCall() {
        return buffer.size() <= BridgeConfig.MAX_ENTRIES_PER_CALL
                && bufferedBytes <= BridgeConfig.MAX_LOG_BYTES_PER_CALL;
    }

    /** Sends what is due at {@code now}; reads no clock itself while nothing is due. */
    private void sendDue(long now) {
        earlierAttempts.sendIfDue(now);
        if (inFlight != null && inFlight.answer().isDone()) {
            settleLogCall(); // its answer may say stop: known at once, not at the next call
        }
        if (reportsStopped()) {
            return;
        }
        if (unsentLines() > 0 && now - lastLogFlush >= reportIntervalNanos) {
            flushLogs(now);
        }
        if (progressPending && now - lastProgressSent >= reportIntervalNanos) {
            flushLogs(now); // the log stays ahead of the progress it explains
            sendProgress(now);
        }
    }

    /** Sends every unsent line; the last call may still be on its way when this returns. */
    private void flushLogs(long now) {
        lastLogFlush = now;
        while (unsentLines() > 0 && !reportsStopped()) {
            sendOldestLogs();
        }
    }

    private int unsentLines() {
        return buffer.size() - (inFlight == null ? 0 : inFlight.lines());
    }

    private long unsentBytes() {
        return bufferedBytes - (inFlight == null ? 0 : inFlight.bytes());
    }

    /**
     * Waits for the call on its way, then starts one with the oldest lines: at most one call's worth by count and by
     * size, at least one line.
     */
    private void sendOldestLogs() {
        settleLogCall();
        if (buffer.isEmpty() || reportsStopped()) {
            return;
        }
        int size = 0;
        long bytes = 0;
        while (size < buffer.size()
                && size < BridgeConfig.MAX_ENTRIES_PER_CALL
                && (size == 0 || bytes + buffer.get(size).bytes() <= BridgeConfig.MAX_LOG_BYTES_PER_CALL)) {
            bytes += buffer.get(size).bytes();
            size++;
        }
        List<LogEntry> batch = buffer.subList(0, size).stream().map(Line::entry).toList();
        FunctionLog.Fields fields = FunctionLog.fields();
        inFlight = new InFlight(
                LOG_CALLS.submit(() -> {
                    FunctionLog.set(fields);
                    return ledger.appendLogs(jobId, attempt, ticket, batch, delivery);
                }),
                size,
                bytes);
    }

    /** Waits for the log call on its way, if any, and follows the ledger's answer to it. */
    private void settleLogCall() {
        if (inFlight == null) {
            return;
        }
        InFlight call = inFlight;
        inFlight = null;
        try {
            ReportAck ack = answer(call);
            dropOldest(call.lines(), call.bytes());
            follow(ack);
        } catch (LedgerException.Refused e) {
            if (!refused(e)) {
                dropOldest(call.lines(), call.bytes());
            }
        } catch (LedgerException.Unavailable e) {
            stop(StopReason.LEDGER_UNREACHABLE, e.getMessage());
        }
    }

    private static ReportAck answer(InFlight call) {
        try {
            return call.answer().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerException.Unavailable("interrupted while waiting for the ledger's answer to log lines", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException("a log call failed", e.getCause());
        }
    }

    private void dropOldest(int lines, long bytes) {
        buffer.subList(0, lines).clear();
        bufferedBytes -= bytes;
    }

    /** The ledger's answer to a report says whether this attempt may go on (cancelled, or no longer the latest). */
    private void follow(ReportAck ack) {
        if (!ack.proceed()) {
            stop(
                    StopReason.LEDGER_SAID_STOP,
                    "the ledger answered proceed=false (status " + ack.status() + ", latest attempt " + ack.attempt()
                            + ")");
        }
    }

    private void sendProgress(long now) {
        lastProgressSent = now;
        settleLogCall();
        if (reportsStopped()) {
            return;
        }
        try {
            ReportAck ack = ledger.reportProgress(jobId, attempt, ticket, processed, total, failed, delivery);
            progressPending = false;
            follow(ack);
        } catch (LedgerException.Refused e) {
            progressPending = refused(e);
        } catch (LedgerException.Unavailable e) {
            stop(StopReason.LEDGER_UNREACHABLE, e.getMessage());
        }
    }

    /**
     * 400 or 413: this report was malformed or too large; drop it and go on (sending it again cannot help). 404 or
     * 409: the job is not ours to run any more. Anything else (401, 403, 429, ...) says nothing about the job, only
     * that the bridge cannot report now: stop, and keep the report for the finish report (or the redelivery).
     *
     * @return whether the refused report is kept, to go with the finish report
     */
    private boolean refused(LedgerException.Refused e) {
        if (e.status() == 400 || e.status() == 413) {
            LOG.error("the ledger refused a report as malformed or too large; dropped: " + e.getMessage());
            return false;
        }
        if (e.jobUnknown() || e.conflict()) {
            LOG.warn("the ledger refused a report: " + e.getMessage());
            stop(StopReason.LEDGER_SAID_STOP, e.getMessage());
            return false;
        }
        LOG.warn("the ledger refused a report; stopping the attempt: " + e.getMessage());
        stop(StopReason.LEDGER_REFUSED, "HTTP " + e.status());
        return true;
    }

    private boolean reportsStopped() {
        return stopReason == StopReason.LEDGER_SAID_STOP
                || stopReason == StopReason.LEDGER_UNREACHABLE
                || stopReason == StopReason.LEDGER_REFUSED;
    }

    private void stop(StopReason reason, String detail) {
        if (stopReason == null || reason == StopReason.LEDGER_SAID_STOP) {
            if (stopReason != reason) {
                LOG.debug("stopping the attempt (" + reason + "): " + detail);
            }
            stopReason = reason;
            stopDetail = detail;
        }
    }
}
