package dev.jobledger.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import dev.jobledger.lambda.spi.JobContext;
import dev.jobledger.lambda.spi.JobLogger;
import dev.jobledger.messages.LogEntry;
import dev.jobledger.messages.LogLevel;
import dev.jobledger.messages.ReportAck;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@link JobContext} of one running attempt. Buffers the job's log and the latest progress, and sends them from
 * the handler's own thread whenever a call finds them due (every {@code logFlushEntries} lines, or every {@code
 * reportInterval}), so there is no background thread. Learns from the ledger's answers when to stop.
 */
final class AttemptContext implements JobContext, JobLogger {

    /** Why the attempt stopped before its handler finished. */
    enum StopReason {
        /** The ledger answered proceed=false (or 404/409): cancelled, finished, or a newer attempt runs. */
        LEDGER_SAID_STOP,
        /** The invocation's remaining time fell below the safety margin. */
        TIME_SHORT,
        /** The ledger could not be reached after the bridge's retries. */
        LEDGER_UNREACHABLE
    }

    static final int MAX_MESSAGE_LENGTH = 8000;

    private static final FunctionLog LOG = FunctionLog.of(AttemptContext.class);

    private final LedgerClient ledger;
    private final BridgeConfig config;
    private final Context lambda;
    private final UUID jobId;
    private final String jobType;
    private final int attempt;
    private final LedgerClient.Delivery delivery;
    private final Map<String, Object> payload;
    private final InputStream file;
    private final String fileName;

    private final List<LogEntry> buffer = new ArrayList<>();
    private long lastLogFlush = System.nanoTime();
    private long lastProgressSent = System.nanoTime();
    private long processed;
    private Long total;
    private long failed;
    private boolean progressPending;
    private StopReason stopReason;
    private String stopDetail;

    AttemptContext(
            LedgerClient ledger,
            BridgeConfig config,
            Context lambda,
            UUID jobId,
            String jobType,
            int attempt,
            LedgerClient.Delivery delivery,
            Map<String, Object> payload,
            InputStream file,
            String fileName) {
        this.ledger = ledger;
        this.config = config;
        this.lambda = lambda;
        this.jobId = jobId;
        this.jobType = jobType;
        this.attempt = attempt;
        this.delivery = delivery;
        this.payload = payload == null ? Map.of() : payload;
        this.file = file;
        this.fileName = fileName;
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
        buffer.add(new LogEntry(level == null ? LogLevel.INFO : level, text, row, meta));
        if (buffer.size() >= config.logFlushEntries()) {
            flushLogs();
        } else {
            sendDue();
        }
    }

    @Override
    public void progress(long processed, Long total, long failed) {
        this.processed = Math.max(0, processed);
        this.total = total == null ? null : Math.max(0, total);
        this.failed = Math.max(0, failed);
        this.progressPending = true;
        sendDue();
    }

    @Override
    public boolean shouldStop() {
        if (stopReason == null && remainingTime().compareTo(config.safetyMargin()) < 0) {
            stop(StopReason.TIME_SHORT, "remaining Lambda time ran short");
        }
        if (stopReason == null) {
            sendDue();
        }
        return stopReason != null;
    }

    @Override
    public Duration remainingTime() {
        return Duration.ofMillis(lambda.getRemainingTimeInMillis());
    }

    StopReason stopReason() {
        return stopReason;
    }

    String stopDetail() {
        return stopDetail;
    }

    /** Sends every buffered line and the latest progress, at the end of the attempt. */
    void flushAll() {
        flushLogs();
        if (progressPending) {
            sendProgress();
        }
    }

    private void sendDue() {
        if (stopReason == StopReason.LEDGER_SAID_STOP || stopReason == StopReason.LEDGER_UNREACHABLE) {
            return;
        }
        long now = System.nanoTime();
        long interval = config.reportInterval().toNanos();
        if (!buffer.isEmpty() && now - lastLogFlush >= interval) {
            flushLogs();
        }
        if (progressPending && now - lastProgressSent >= interval) {
            flushLogs(); // the log stays ahead of the progress it explains
            sendProgress();
        }
    }

    private void flushLogs() {
        lastLogFlush = System.nanoTime();
        while (!buffer.isEmpty() && !reportsStopped()) {
            int size = Math.min(buffer.size(), BridgeConfig.MAX_ENTRIES_PER_CALL);
            List<LogEntry> batch = List.copyOf(buffer.subList(0, size));
            try {
                ReportAck ack = ledger.appendLogs(jobId, attempt, batch, delivery);
                buffer.subList(0, size).clear();
                follow(ack);
            } catch (LedgerException.Refused e) {
                buffer.subList(0, size).clear();
                refused(e);
            } catch (LedgerException.Unavailable e) {
                stop(StopReason.LEDGER_UNREACHABLE, e.getMessage());
            }
        }
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

    private void sendProgress() {
        lastProgressSent = System.nanoTime();
        if (reportsStopped()) {
            return;
        }
        try {
            ReportAck ack = ledger.reportProgress(jobId, attempt, processed, total, failed, delivery);
            progressPending = false;
            follow(ack);
        } catch (LedgerException.Refused e) {
            progressPending = false;
            refused(e);
        } catch (LedgerException.Unavailable e) {
            stop(StopReason.LEDGER_UNREACHABLE, e.getMessage());
        }
    }

    /** 400: this report was malformed; drop it and go on. Any other 4xx: the job is not ours to run any more. */
    private void refused(LedgerException.Refused e) {
        if (e.status() == 400) {
            LOG.error("the ledger refused a report as malformed; dropped: " + e.getMessage());
        } else {
            LOG.warn("the ledger refused a report: " + e.getMessage());
            stop(StopReason.LEDGER_SAID_STOP, e.getMessage());
        }
    }

    private boolean reportsStopped() {
        return stopReason == StopReason.LEDGER_SAID_STOP || stopReason == StopReason.LEDGER_UNREACHABLE;
    }

    private void stop(StopReason reason, String detail) {
        if (stopReason == null || reason == StopReason.LEDGER_SAID_STOP) {
            if (stopReason != reason) {
                LOG.info("stopping the attempt: " + detail, Map.of("stopReason", reason.name()));
            }
            stopReason = reason;
            stopDetail = detail;
        }
    }
}
