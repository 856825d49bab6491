package dev.jobledger.command.dispatch;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobledger.command.aws.AwsSettings;
import dev.jobledger.messages.Actor;
import dev.jobledger.messages.JobDispatch;
import dev.jobledger.messages.MarkJobDeadLettered;
import java.util.List;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Reads the dead-letter queue and records each dead message on its job (FAILED, dead-lettered, with the message id
 * on its history), then deletes it: from then on the ledger holds the fact, and an admin redrives the job through
 * the ledger. A message that is not a job dispatch is left in the queue for an operator, hidden for an hour.
 */
@Component
class DeadLetterWatcher {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterWatcher.class);
    static final Actor WATCHER = Actor.system("dead-letter-watcher");
    private static final int HIDE_UNREADABLE_SECONDS = 3600;

    private final DispatchSettings properties;
    private final AwsSettings aws;
    private final SqsClient sqs;
    private final CommandGateway commands;
    private final ObjectMapper json;

    DeadLetterWatcher(
            DispatchSettings properties, AwsSettings aws, SqsClient sqs, CommandGateway commands, ObjectMapper json) {
        this.properties = properties;
        this.aws = aws;
        this.sqs = sqs;
        this.commands = commands;
        this.json = json;
    }

    @Scheduled(fixedDelayString = "${jobledger.dispatch.dead-letter-poll-interval:2s}")
    void watch() {
        String url = aws.sqs().deadLetterQueueUrl();
        if (!properties.enabled() || url == null || url.isBlank()) {
            return;
        }
        List<Message> dead;
        try {
            dead = sqs.receiveMessage(receive -> receive.queueUrl(url)
                            .maxNumberOfMessages(10)
                            .waitTimeSeconds(0)
                            .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
                    .messages();
        } catch (RuntimeException e) {
            log.warn("Could not read the dead-letter queue: {}", e.toString());
            return;
        }
        for (Message message : dead) {
            record(url, message);
        }
    }

    private void record(String url, Message message) {
        JobDispatch dispatch;
        try {
            dispatch = json.readValue(message.body(), JobDispatch.class);
        } catch (Exception unreadable) {
            log.error("Dead letter {} is not a job dispatch; left for an operator", message.messageId());
            sqs.changeMessageVisibility(change -> change.queueUrl(url)
                    .receiptHandle(message.receiptHandle())
                    .visibilityTimeout(HIDE_UNREADABLE_SECONDS));
            return;
        }
        String receives = message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
        String reason = "Its queue message reached the dead-letter queue"
                + (receives == null ? "" : " after " + receives + " receives")
                + ": no worker could process it";
        try {
            commands.sendAndWait(new MarkJobDeadLettered(
                    dispatch.jobId(), dispatch.attempt(), message.messageId(), reason, WATCHER));
        } catch (AggregateNotFoundException unknownJob) {
            log.error(
                    "Dead letter {} names job {}, which the ledger does not know",
                    message.messageId(),
                    dispatch.jobId());
        }
        sqs.deleteMessage(delete -> delete.queueUrl(url).receiptHandle(message.receiptHandle()));
    }
}
