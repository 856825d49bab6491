package dev.jobledger.command.aws;

import java.net.URI;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the ledger's queues and file bucket are. The same keys serve AWS and the local stand-ins: only the endpoint
 * overrides differ, and nothing else in the service knows whether it talks to AWS.
 *
 * @param region the AWS region
 * @param s3 the job file bucket
 * @param sqs the job queues
 */
@ConfigurationProperties("jobledger.aws")
public record AwsSettings(String region, S3 s3, Sqs sqs) {

    public AwsSettings {
        s3 = s3 == null ? new S3(null, null, null) : s3;
        sqs = sqs == null ? new Sqs(null, null, null, null) : sqs;
    }

    /**
     * @param bucket the job file bucket
     * @param kmsKeyId a KMS key for server-side encryption, or {@code null} for SSE-S3
     * @param endpoint an S3-compatible server instead of AWS, or {@code null}
     */
    public record S3(String bucket, String kmsKeyId, URI endpoint) {

        public S3 {
            kmsKeyId = blankToNull(kmsKeyId);
            endpoint = blankToNull(endpoint);
        }
    }

    /**
     * @param queueUrl the job queue
     * @param deadLetterQueueUrl its dead-letter queue, watched by the ledger
     * @param queueUrls queues of job types that name a queue of their own, by queue name
     * @param endpoint an SQS-compatible server instead of AWS, or {@code null}
     */
    public record Sqs(String queueUrl, String deadLetterQueueUrl, Map<String, String> queueUrls, URI endpoint) {

        public Sqs {
            queueUrls = queueUrls == null ? Map.of() : Map.copyOf(queueUrls);
            endpoint = blankToNull(endpoint);
        }

        public String urlOf(String queue) {
            return queueUrls.getOrDefault(queue, queueUrl);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static URI blankToNull(URI value) {
        return value == null || value.toString().isBlank() ? null : value;
    }
}
