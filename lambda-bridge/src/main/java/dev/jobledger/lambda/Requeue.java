package dev.jobledger.lambda;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

/**
 * Gives records back to the queue they came from as new messages: the same body and message attributes, plus
 * {@value #DELIVERY_ATTRIBUTE}, the delivery the ledger knows the attempt by. SQS counts every receive of a message
 * towards the queue's {@code maxReceiveCount}, and a record reported in {@code batchItemFailures} comes back as the
 * same message, one receive further towards the dead-letter queue; a new message starts from none. Reporting the
 * record as done is the caller's business, and only for the records SQS accepted here.
 */
final class Requeue {

    /**
     * The message attribute naming the delivery a new message carries on: the ledger's start, reports and end use it
     * as the message id, so the attempt that delivery started runs under it (the ledger answers PROCEED again to the
     * same delivery of a running attempt).
     */
    static final String DELIVERY_ATTRIBUTE = "deliveryMessageId";

    /** Most entries SQS takes in one SendMessageBatch call. */
    private static final int MAX_ENTRIES = 10;

    private static final FunctionLog LOG = FunctionLog.of(Requeue.class);

    /** A record to send again: {@code id} is unique in the call, {@code deliveryId} the ledger's name for it. */
    record Record(String id, SqsEvent.SqsMessage message, String deliveryId) {}

    private final Supplier<SqsClient> sqs;
    private final Map<String, String> queueUrls = new ConcurrentHashMap<>();

    /** {@code sqs} is asked for the client on the first record to send, not before: most invocations send none. */
    Requeue(Supplier<SqsClient> sqs) {
        this.sqs = sqs;
    }

    /** The delivery a record carries on, or its own message id when it is a first delivery. */
    static String deliveryId(SqsEvent.SqsMessage message) {
        Map<String, SqsEvent.MessageAttribute> attributes = message.messageAttributes();
        SqsEvent.MessageAttribute delivery = attributes == null ? null : attributes.get(DELIVERY_ATTRIBUTE);
        if (delivery != null
                && delivery.stringValue() != null
                && !delivery.stringValue().isBlank()) {
            return delivery.stringValue();
        }
        return message.messageId();
    }

    /**
     * Sends each record again as a new message on its own queue; answers the ids of those SQS accepted. Never throws:
     * a record that could not be sent is only absent from the answer.
     */
    Set<String> send(List<Record> records, Duration timeout) {
        Map<String, List<Record>> byQueue = new LinkedHashMap<>();
        for (Record record : records) {
            byQueue.computeIfAbsent(record.message().eventSourceArn(), arn -> new ArrayList<>())
                    .add(record);
        }
        Set<String> accepted = new HashSet<>();
        for (Map.Entry<String, List<Record>> queue : byQueue.entrySet()) {
            String arn = queue.getKey();
            if (arn == null || arn.endsWith(".fifo")) {
                // A FIFO queue would need the record's message group, and a new message would lose its place in it.
                LOG.warn("records of queue " + arn + " are not sent again (a standard queue is required)");
                continue;
            }
            List<Record> queued = queue.getValue();
            for (int from = 0; from < queued.size(); from += MAX_ENTRIES) {
                accepted.addAll(
                        sendBatch(arn, queued.subList(from, Math.min(queued.size(), from + MAX_ENTRIES)), timeout));
            }
        }
        return accepted;
    }

    private Set<String> sendBatch(String arn, List<Record> records, Duration timeout) {
        try {
            String queueUrl = queueUrl(arn, timeout);
            List<SendMessageBatchRequestEntry> entries = records.stream()
                    .map(record -> SendMessageBatchRequestEntry.builder()
                            .id(record.id())
                            .messageBody(record.message().body())
                            .messageAttributes(attributes(record))
                            .build())
                    .toList();
            SendMessageBatchResponse response = sqs.get()
                    .sendMessageBatch(send -> send.queueUrl(queueUrl)
                            .entries(entries)
                            .overrideConfiguration(call -> call.apiCallTimeout(timeout)));
            for (BatchResultErrorEntry failed : response.failed()) {
                LOG.warn("SQS refused to take record " + failed.id() + " again (" + failed.code() + "): "
                        + failed.message());
            }
            Set<String> accepted = new HashSet<>();
            for (SendMessageBatchResultEntry sent : response.successful()) {
                accepted.add(sent.id());
            }
            return accepted;
        } catch (RuntimeException e) {
            // SdkException for SQS or the network; anything else (a client that cannot be built) the same way.
            LOG.error("could not send " + records.size() + " record(s) again to " + arn, e);
            return Set.of();
        }
    }

    /** The queue's URL from its ARN ({@code arn:partition:sqs:region:account:name}), asked once per queue. */
    private String queueUrl(String arn, Duration timeout) {
        String url = queueUrls.get(arn);
        if (url != null) {
            return url;
        }
        String[] parts = arn.split(":", 6);
        if (parts.length != 6 || !parts[2].equals("sqs")) {
            throw new IllegalArgumentException("not the ARN of an SQS queue: " + arn);
        }
        url = sqs.get()
                .getQueueUrl(get -> get.queueName(parts[5])
                        .queueOwnerAWSAccountId(parts[4])
                        .overrideConfiguration(call -> call.apiCallTimeout(timeout)))
                .queueUrl();
        queueUrls.put(arn, url);
        return url;
    }

    /** The record's own message attributes, as SQS took them, and the delivery it carries on. */
    private static Map<String, MessageAttributeValue> attributes(Record record) {
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        Map<String, SqsEvent.MessageAttribute> own = record.message().messageAttributes();
        if (own != null) {
            own.forEach((name, value) -> {
                MessageAttributeValue.Builder copy =
                        MessageAttributeValue.builder().dataType(value.dataType());
                if (value.stringValue() != null) {
                    copy.stringValue(value.stringValue());
                }
                if (value.binaryValue() != null) {
                    copy.binaryValue(SdkBytes.fromByteArray(value.binaryValue()));
                }
                attributes.put(name, copy.build());
            });
        }
        attributes.put(
                DELIVERY_ATTRIBUTE,
                MessageAttributeValue.builder()
                        .dataType("String")
                        .stringValue(record.deliveryId())
                        .build());
        return attributes;
    }
}
