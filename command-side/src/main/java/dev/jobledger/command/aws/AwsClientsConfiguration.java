package dev.jobledger.command.aws;

import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/** The real AWS SDK v2 clients, against AWS or, with an endpoint override, against an S3/SQS-compatible server. */
@Configuration(proxyBeanMethods = false)
class AwsClientsConfiguration {

    private static ClientOverrideConfiguration timeouts() {
        return ClientOverrideConfiguration.builder()
                .apiCallAttemptTimeout(Duration.ofSeconds(30))
                .apiCallTimeout(Duration.ofMinutes(2))
                .build();
    }

    @Bean(destroyMethod = "close")
    SqsClient sqsClient(AwsSettings aws) {
        SqsClientBuilder builder = SqsClient.builder()
                .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(Duration.ofSeconds(5)))
                .overrideConfiguration(timeouts());
        if (aws.region() != null) {
            builder.region(Region.of(aws.region()));
        }
        if (aws.sqs().endpoint() != null) {
            builder.endpointOverride(aws.sqs().endpoint());
        }
        return builder.build();
    }

    @Bean(destroyMethod = "close")
    S3Client s3Client(AwsSettings aws) {
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(Duration.ofSeconds(5)))
                .overrideConfiguration(timeouts());
        if (aws.region() != null) {
            builder.region(Region.of(aws.region()));
        }
        if (aws.s3().endpoint() != null) {
            // S3-compatible servers want path-style addressing, and some reject the checksums the SDK sends by
            // default since 2.30; against AWS the defaults stay.
            builder.endpointOverride(aws.s3().endpoint())
                    .forcePathStyle(true)
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        return builder.build();
    }
}
