package dev.jobledger.command.dispatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobledger.command.aws.AwsSettings;
import dev.jobledger.command.job.BatchedCommands;
import dev.jobledger.command.ticket.AttemptTickets;
import dev.jobledger.messages.Actor;
import dev.jobledger.messages.JobDispatch;
import dev.jobledger.messages.RecordJobDispatch;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

/**
 * Sends due job attempts from the outbox to SQS, then records each dispatch on its job and removes it from the
 * outbox. Each message carries its attempt's ticket ({@link AttemptTickets}), without which the worker bridge cannot
 * act on the attempt. Retry backoffs wait in the outbox, not in SQS (no DelaySeconds), so that a job cancelled while
 * it waits sends nothing and waits may be longer than SQS's 15 minutes. A crash between sending and removing sends the
 * attempt again: a duplicate message, which the ledger answers SKIP when a worker asks to start it. Runs on a
 * scheduler thread and threads of its own, never on a request thread.
 */
@Component
class DispatchSender {

    private static final Logger log = LoggerFactory.getLogger(DispatchSender.class);
    /** The most entries one SendMessageBatch takes. */
    private static final int SQS_BATCH = 10;

    static final Actor DISPATCHER = Actor.system("sqs-dispatcher");

    private final DispatchOutbox outbox;
    private final DispatchSettings properties;
    private final AwsSettings aws;
    private final SqsClient sqs;
    private final BatchedCommands commands;
    private final AttemptTickets tickets;
    private final ObjectMapper json;
    private final Clock clock;
    private final AtomicBoolean nudgePending = new AtomicBoolean();
    private final ExecutorService nudges = Executors.newSingleThreadExecutor(daemon("dispatch-nudge"));
    private final ExecutorService senders;

    DispatchSender(
            DispatchOutbox outbox,
            DispatchSettings properties,
            AwsSettings aws,
            SqsClient sqs,
            BatchedCommands commands,
            AttemptTickets tickets,
            ObjectMapper json,
            Clock clock) {
        this.outbox = outbox;
        this.properties = properties;
        this.aws = aws;
        this.sqs = sqs;
        this.commands = commands;
        this.tickets = tickets;
        this.json = json;
        this.clock = clock;
        this.senders = Executors.newFixedThreadPool(properties.concurrentSends(), daemon("dispatch-send"));
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Sends what is due now, on the sender's own thread, without waiting for the next poll. Nudges that arrive while
     * one is pending are one nudge.
     */
    void wake() {
        if (properties.enabled() && nudgePending.compareAndSet(false, true)) {
            nudges.execute(() -> {
                nudgePending.set(false);
                sendDue();
            });
        }
    }

    @PreDestroy
    void stop() {
        nudges.shutdownNow();
        senders.shutdownNow();
    }

    /** The poll catches what no nudge announced: backoffs that came due, rows a failed send left due. */
    @Scheduled(fixedDelayString = "${jobledger.dispatch.poll-interval:250ms}")
    synchronized void sendDue() {
        if (!properties.enabled()) {
            return;
        }
        List<DispatchOutbox.DueAttempt> due;
        do {
            if (senders.isShutdown()) {
                return; // stopping: nothing more is claimed
            }
            Instant now = clock.instant();
            due = outbox.claimDue(now, now.plus(properties.claimTimeout()), properties.batchSize());
            Map<String, List<DispatchOutbox.DueAttempt>> byQueue = new LinkedHashMap<>();
            for (DispatchOutbox.DueAttempt attempt : due) {
                byQueue.computeIfAbsent(aws.sqs().urlOf(attempt.queue()), url -> new ArrayList<>())
                        .add(attempt);
            }
            // The SendMessageBatch calls of a round go out side by side: one after the other, the round trips (each
            // of which SQS answers only once it has stored the messages) were what limited dispatch under load.
            List<Callable<List<Sent>>> sends = new ArrayList<>();
            byQueue.forEach((queueUrl, attempts) -> {
                for (int from = 0; from < attempts.size(); from += SQS_BATCH) {
                    List<DispatchOutbox.DueAttempt> batch =
                            attempts.subList(from, Math.min(from + SQS_BATCH, attempts.size()));
                    sends.add(() -> send(queueUrl, batch));
                }
            });
            List<Future<List<Sent>>> results;
            try {
                results = senders.invokeAll(sends);
            } catch (InterruptedException stopping) {
                // The service is stopping: what this round sent is sent again once the claims' lease has ended.
                Thread.currentThread().interrupt();
                return;
            }
            List<Sent> sent = new ArrayList<>();
            Throwable unexpected = null;
            for (Future<List<Sent>> result : results) {
                try {
                    sent.addAll(result.get()); // done: invokeAll returns once every call has
                } catch (ExecutionException | CancellationException failed) {
                    // What the other calls sent is still recorded below; this call's attempts stay claimed until
                    // their lease ends, and are sent again then.
                    unexpected = failed;
                } catch (InterruptedException stopping) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            // Recorded on their jobs with one batch of commands, and removed from the outbox with one statement.
            outbox.sent(record(sent));
            if (unexpected != null) {
                throw new IllegalStateException("A SendMessageBatch call failed unexpectedly", unexpected);
            }
        } while (due.size() == properties.batchSize());
    }

    /** An attempt SQS took, with the id it gave the message. */
    private record Sent(DispatchOutbox.DueAttempt attempt, RecordJobDispatch record) {}

    /**
     * One SendMessageBatch for up to ten attempts. An entry SQS refused, or a call that failed, stays due and is sent
     * again.
     */
    private List<Sent> send(String queueUrl, List<DispatchOutbox.DueAttempt> attempts) {
        Map<String, DispatchOutbox.DueAttempt> byEntry = new LinkedHashMap<>();
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        for (DispatchOutbox.DueAttempt attempt : attempts) {
            String entryId = Long.toString(attempt.id());
            byEntry.put(entryId, attempt);
            entries.add(SendMessageBatchRequestEntry.builder()
                    .id(entryId)
                    .messageBody(body(attempt))
                    .messageAttributes(Map.of(
                            "jobId", text(attempt.jobId().toString()),
                            "attempt", number(attempt.attempt()),
                            "jobType", text(attempt.jobType())))
                    .build());
        }
        SendMessageBatchResponse response;
        try {
            response = sqs.sendMessageBatch(batch -> batch.queueUrl(queueUrl).entries(entries));
        } catch (RuntimeException e) {
            log.warn(
                    "Could not dispatch {} attempts to {}; they stay due: {}", attempts.size(), queueUrl, e.toString());
            attempts.forEach(attempt -> outbox.failed(attempt, clock.instant()));
            return List.of();
        }
        List<Sent> sent = new ArrayList<>();
        for (SendMessageBatchResultEntry accepted : response.successful()) {
            DispatchOutbox.DueAttempt attempt = byEntry.get(accepted.id());
            sent.add(new Sent(
                    attempt,
                    new RecordJobDispatch(
                            attempt.jobId(), attempt.attempt(), queueUrl, accepted.messageId(), DISPATCHER)));
        }
        for (BatchResultErrorEntry refused : response.failed()) {
            failed(byEntry.get(refused.id()), refused.code() + ": " + refused.message());
        }
        return sent;
    }

    /** The sent attempts whose dispatch is recorded on their jobs; the others stay due and are sent again. */
    private List<DispatchOutbox.DueAttempt> record(List<Sent> sent) {
        List<DispatchOutbox.DueAttempt> recorded = new ArrayList<>();
        if (sent.isEmpty()) {
            return recorded;
        }
        List<BatchedCommands.Outcome<Object>> outcomes;
        try {
            outcomes = commands.sendAll(sent.stream().map(Sent::record).toList());
        } catch (RuntimeException e) {
            sent.forEach(each -> failed(each.attempt(), e.toString()));
            return recorded;
        }
        for (int index = 0; index < outcomes.size(); index++) {
            if (outcomes.get(index).refused()) {
                failed(sent.get(index).attempt(), outcomes.get(index).refusal().toString());
            } else {
                recorded.add(sent.get(index).attempt());
            }
        }
        return recorded;
    }

    private void failed(DispatchOutbox.DueAttempt attempt, String why) {
        log.warn("Could not dispatch attempt {} of job {}; it stays due: {}", attempt.attempt(), attempt.jobId(), why);
        outbox.failed(attempt, clock.instant());
    }

    private String body(DispatchOutbox.DueAttempt attempt) {
        try {
            return json.writeValueAsString(new JobDispatch(
                    attempt.jobId(),
                    attempt.attempt(),
                    attempt.jobType(),
                    attempt.bucket(),
                    attempt.fileKey(),
                    attempt.fileName(),
                    tickets.issue(attempt.jobId(), attempt.attempt())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A dispatch message could not be written", e);
        }
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder()
                .dataType("String")
                .stringValue(value)
                .build();
    }

    private static MessageAttributeValue number(int value) {
        return MessageAttributeValue.builder()
                .dataType("Number")
                .stringValue(Integer.toString(value))
                .build();
    }
}
