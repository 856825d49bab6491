package dev.jobledger.standins;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

class StandInsTest {

    @Test
    void theLocalSqsSpeaksSqsAndMovesMessagesToTheDeadLetterQueueAfterMaxReceives() {
        try (LocalSqs local = LocalSqs.start(0);
                SqsClient sqs = local.client()) {
            LocalSqs.QueuePair queues = local.createQueueWithDeadLetterQueue("jobs", 1, 1);
            sqs.sendMessage(send -> send.queueUrl(queues.queueUrl()).messageBody("hello"));

            Message first = sqs.receiveMessage(
                            r -> r.queueUrl(queues.queueUrl()).waitTimeSeconds(5))
                    .messages()
                    .get(0);
            assertThat(first.body()).isEqualTo("hello");
            // not deleted: after the visibility timeout, the next receive moves it to the dead-letter queue
            var moved = sqs.receiveMessage(
                            r -> r.queueUrl(queues.deadLetterQueueUrl()).waitTimeSeconds(10))
                    .messages();
            for (int i = 0; i < 5 && moved.isEmpty(); i++) {
                sqs.receiveMessage(r -> r.queueUrl(queues.queueUrl()).waitTimeSeconds(2));
                moved = sqs.receiveMessage(
                                r -> r.queueUrl(queues.deadLetterQueueUrl()).waitTimeSeconds(2))
                        .messages();
            }
            assertThat(moved).extracting(Message::body).containsExactly("hello");
        }
    }

    @Test
    void theServiceSideClientReceivesAndDeletesUnsignedAsLambdasOwnPollerDoes() {
        try (LocalSqs local = LocalSqs.start(0);
                SqsClient service = local.client();
                SqsClient poller = local.serviceSideClient()) {
            LocalSqs.QueuePair queues = local.createQueueWithDeadLetterQueue("jobs", 30, 3);
            service.sendMessage(send -> send.queueUrl(queues.queueUrl())
                    .messageBody("hello")
                    .messageAttributes(Map.of(
                            "jobId",
                            MessageAttributeValue.builder()
                                    .dataType("String")
                                    .stringValue("job-1")
                                    .build())));

            List<Message> received = poller.receiveMessage(r -> r.queueUrl(queues.queueUrl())
                            .messageAttributeNames("All")
                            .waitTimeSeconds(5))
                    .messages();
            assertThat(received).extracting(Message::body).containsExactly("hello");
            assertThat(received.get(0).messageAttributes().get("jobId").stringValue())
                    .isEqualTo("job-1");
            poller.deleteMessage(delete -> delete.queueUrl(queues.queueUrl())
                    .receiptHandle(received.get(0).receiptHandle()));

            assertThat(service.getQueueAttributes(get -> get.queueUrl(queues.queueUrl())
                                    .attributeNames(
                                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                            .attributes())
                    .containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")
                    .containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0");
        }
    }

    @Test
    void theLocalLambdaContextGivesEachInvocationItsOwnRequestIdAndNoMoreThanItsBudgetNeverBelowZero() {
        LocalLambdaContext invocation = LocalLambdaContext.withBudget(Duration.ofMinutes(5));
        LocalLambdaContext spent = LocalLambdaContext.withBudget(Duration.ZERO);

        assertThat(invocation.getRemainingTimeInMillis()).isBetween(1, 300_000);
        assertThat(spent.getRemainingTimeInMillis()).isZero();
        assertThat(invocation.getAwsRequestId()).isNotBlank().isNotEqualTo(spent.getAwsRequestId());
        assertThat(new LocalLambdaContext("request-1", Duration.ofSeconds(1)).getAwsRequestId())
                .isEqualTo("request-1");
        assertThat(invocation.getFunctionName()).isEqualTo(LocalLambdaContext.FUNCTION_NAME);
    }

    @Test
    void theLocalS3StoresObjectsInADirectoryThatOutlivesTheServer(@TempDir Path dir) throws Exception {
        try (LocalS3 local = LocalS3.start(0, dir);
                S3Client s3 = local.client()) {
            local.createBucket("job-files");
            s3.putObject(put -> put.bucket("job-files").key("jobs/a/b.csv"), RequestBody.fromString("a,b\n1,2\n"));
        }
        try (LocalS3 local = LocalS3.start(0, dir);
                S3Client s3 = local.client()) {
            assertThat(s3.getObjectAsBytes(get -> get.bucket("job-files").key("jobs/a/b.csv"))
                            .asUtf8String())
                    .isEqualTo("a,b\n1,2\n");
        }
    }
}
