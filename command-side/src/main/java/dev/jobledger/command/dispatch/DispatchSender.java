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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * scheduler thread, never on a request thread.
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
    private final ExecutorService nudges = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "dispatch-nudge");
        thread.setDaemon(true);
        return thread;
    });

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
    }

    /** The poll catches what no nudge announced: backoffs that came due, rows a failed send left due. */
    @Scheduled(fixedDelayString = "${jobledger.dispatch.poll-interval:250ms}")
    synchronized void sendDue() {
        if (!properties.enabled()) {
            return;
        }
        List<DispatchOutbox.DueAttempt> due;
        do {
            Instant now = clock.instant();
            due = outbox.claimDue(now, now.plus(properties.claimTimeout()), properties.batchSize());
            Map<String, List<DispatchOutbox.DueAttempt>> byQueue = new LinkedHashMap<>();
            for (DispatchOutbox.DueAttempt attempt : due) {
                byQueue.computeIfAbsent(aws.sqs().urlOf(attempt.queue()), url -> new ArrayList<>())
                        .add(attempt);
            }
            byQueue.forEach((queueUrl, attempts) -> {
                for (int from = 0; from < attempts.size(); from += SQS_BATCH) {
                    send(queueUrl, attempts.subList(from, Math.min(from + SQS_BATCH, attempts.size())));
                }
            });
        } while (due.size() == properties.batchSize());
    }

    /**
     * One SendMessageBatch for up to ten attempts, then each sent one recorded on its job and the batch removed from
     * the outbox with one statement. An entry SQS refused, or whose recording failed, stays due and is sent again.
     */
    private void send(String queueUrl, List<DispatchOutbox.DueAttempt> attempts) {
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
            return;
        }
        List<DispatchOutbox.DueAttempt> sentAttempts = new ArrayList<>();
        List<RecordJobDispatch> records = new ArrayList<>();
        for (SendMessageBatchResultEntry sent : response.successful()) {
            DispatchOutbox.DueAttempt attempt = byEntry.get(sent.id());
            sentAttempts.add(attempt);
            records.add(
                    new RecordJobDispatch(attempt.jobId(), attempt.attempt(), queueUrl, sent.messageId(), DISPATCHER));
        }
        for (BatchResultErrorEntry refused : response.failed()) {
            failed(byEntry.get(refused.id()), refused.code() + ": " + refused.message());
        }
        outbox.sent(record(sentAttempts, records));
    }

    /** The sent attempts whose dispatch is recorded on their jobs; the others stay due and are sent again. */
    private List<DispatchOutbox.DueAttempt> record(
            List<DispatchOutbox.DueAttempt> sentAttempts, List<RecordJobDispatch> records) {
        List<DispatchOutbox.DueAttempt> recorded = new ArrayList<>();
        List<BatchedCommands.Outcome<Object>> outcomes;
        try {
            outcomes = commands.sendAll(records);
        } catch (RuntimeException e) {
            sentAttempts.forEach(attempt -> failed(attempt, e.toString()));
            return recorded;
        }
        for (int index = 0; index < outcomes.size(); index++) {
            if (outcomes.get(index).refused()) {
                failed(sentAttempts.get(index), outcomes.get(index).refusal().toString());
            } else {
                recorded.add(sentAttempts.get(index));
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
