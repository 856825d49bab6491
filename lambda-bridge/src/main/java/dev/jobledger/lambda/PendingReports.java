package dev.jobledger.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import dev.jobledger.lambda.LedgerClient.AttemptOutcome;
import dev.jobledger.lambda.LedgerClient.AttemptReport;
import dev.jobledger.lambda.LedgerClient.ItemResult;
import dev.jobledger.lambda.RecordProcessor.Outcome;
import dev.jobledger.messages.AttemptFinishOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The finish reports of an invocation's ended attempts, waiting to go to the ledger together in one batched call.
 * They go at the end of the invocation, and earlier at the next chance (before the next handler starts, or at a
 * running handler's next call to its context) once the oldest has waited a report interval or the invocation's time
 * is close to the safety margin: a long handler must not hide the end of a short one before it, and a function that
 * times out must not take finished attempts with it. Each record's fate follows from the ledger's answer to its own
 * report.
 */
final class PendingReports {

    /** Where the fate of a record goes once it is known. */
    @FunctionalInterface
    interface Fates {
        void decide(int index, Outcome outcome);
    }

    private record Pending(int index, FunctionLog.Fields log, AttemptReport report, long since) {}

    private static final FunctionLog LOG = FunctionLog.of(PendingReports.class);

    private final LedgerClient ledger;
    private final Context lambda;
    private final Deadline deadline;
    private final long reportIntervalNanos;
    private final Fates fates;
    private final List<Pending> pending = new ArrayList<>();

    PendingReports(LedgerClient ledger, Context lambda, Deadline deadline, Duration reportInterval, Fates fates) {
        this.ledger = ledger;
        this.lambda = lambda;
        this.deadline = deadline;
        this.reportIntervalNanos = reportInterval.toNanos();
        this.fates = fates;
    }

    /** Queues the report of the record at {@code index}; {@code log} are its function-log fields. */
    void add(int index, FunctionLog.Fields log, AttemptReport report) {
        pending.add(new Pending(index, log, report, System.nanoTime()));
    }

    /** Sends the waiting reports when they are due at {@code now} ({@link System#nanoTime()}). */
    void sendIfDue(long now) {
        if (pending.isEmpty()) {
            return;
        }
        if (now - pending.get(0).since() >= reportIntervalNanos || deadline.closeToShort(now)) {
            sendAll();
        }
    }

    /** Sends every waiting report and decides the fate of their records. Never throws for the ledger's sake. */
    void sendAll() {
        if (pending.isEmpty()) {
            return;
        }
        List<Pending> batch = List.copyOf(pending);
        pending.clear();
        // Possibly called from inside another record's handler: its log fields come back afterwards.
        FunctionLog.Fields outer = FunctionLog.fields();
        try {
            List<ItemResult<AttemptFinishOutcome>> results;
            try {
                results = ledger.finishAttempts(
                        lambda.getAwsRequestId(),
                        batch.stream().map(Pending::report).toList());
            } catch (RuntimeException e) {
                FunctionLog.set(new FunctionLog.Fields(lambda.getAwsRequestId(), null, null, null));
                LOG.error("could not send " + batch.size() + " finish reports; their messages come back", e);
                batch.forEach(item -> fates.decide(item.index(), Outcome.REDELIVER));
                return;
            }
            for (int i = 0; i < batch.size(); i++) {
                Pending item = batch.get(i);
                FunctionLog.set(item.log());
                fates.decide(item.index(), settle(item.report(), results.get(i)));
            }
        } finally {
            FunctionLog.set(outer);
        }
    }

    /** Acknowledged only when the ledger's answer is final for the job: recorded (200), or the job moved on. */
    private static Outcome settle(AttemptReport report, ItemResult<AttemptFinishOutcome> result) {
        if (result.failure() instanceof LedgerException.Refused refused) {
            LOG.error("the ledger refused the finish call (HTTP " + refused.status() + "); the message comes back: "
                    + refused.getMessage());
            return Outcome.REDELIVER;
        }
        if (result.failure() != null) {
            LOG.error("the ledger could not be reached to report how the attempt ended; the message comes back: "
                    + result.failure().getMessage());
            return Outcome.REDELIVER;
        }
        AttemptFinishOutcome outcome = result.outcome();
        switch (outcome.status()) {
            case 200 -> {
                String job = outcome.job() == null
                        ? "?"
                        : String.valueOf(outcome.job().status());
                if (report.outcome() == AttemptOutcome.COMPLETED) {
                    LOG.info("completed; the job is " + job + "; acknowledged");
                } else {
                    LOG.info("failed the attempt (retryable=" + report.retryable() + "): " + report.reason()
                            + "; the job is " + job + "; acknowledged");
                }
                return Outcome.ACKNOWLEDGE;
            }
            case 404, 409 -> {
                LOG.warn("the ledger refused the finish report (" + outcome.status() + ", the job moved on); "
                        + "acknowledged: " + outcome.detail());
                return Outcome.ACKNOWLEDGE;
            }
            default -> {
                LOG.error("the ledger answered " + outcome.status() + " to the finish report; the message comes back: "
                        + outcome.detail());
                return Outcome.REDELIVER;
            }
        }
    }
}
