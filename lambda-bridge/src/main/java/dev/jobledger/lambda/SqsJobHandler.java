package dev.jobledger.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;

/**
 * The Lambda function: {@code dev.jobledger.lambda.SqsJobHandler::handleRequest}, triggered by the job queue with
 * {@code ReportBatchItemFailures}. Starts the batch's records with one ledger call, runs their handlers one after the
 * other and reports their ends in batched calls; an exception in one record never fails the others. Only records that
 * must come back are reported in {@code batchItemFailures}.
 */
public final class SqsJobHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final FunctionLog LOG = FunctionLog.of(SqsJobHandler.class);

    private final RecordProcessor processor;

    /** Used by the Lambda runtime: configuration from the environment, AWS clients built here (once per instance). */
    public SqsJobHandler() {
        this(BridgeConfig.fromEnvironment(System.getenv()));
    }

    private SqsJobHandler(BridgeConfig config) {
        this(
                config,
                new LedgerClient(config, tokenSource(config)),
                s3Client(config),
                HandlerRegistry.fromServiceLoader());
        LOG.info("job processor ready", Map.of("config", config.toString()));
    }

    /** For tests and the local poller: everything given. */
    public SqsJobHandler(BridgeConfig config, LedgerClient ledger, S3Client s3, HandlerRegistry handlers) {
        this.processor = new RecordProcessor(
                Objects.requireNonNull(config, "config"),
                Objects.requireNonNull(ledger, "ledger"),
                Objects.requireNonNull(s3, "s3"),
                Objects.requireNonNull(handlers, "handlers"));
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSEvent.SQSMessage> records =
                event == null || event.getRecords() == null ? List.of() : event.getRecords();
        FunctionLog.Fields invocation = new FunctionLog.Fields(context.getAwsRequestId(), null, null, null);
        FunctionLog.set(invocation);
        List<RecordProcessor.Outcome> outcomes;
        try {
            outcomes = processor.process(records, context);
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            // The processor decides each record on its own; this is the last resort, and coming back is always safe.
            FunctionLog.set(invocation);
            LOG.error("unexpected error while processing the batch; every record comes back", e);
            outcomes = Collections.nCopies(records.size(), RecordProcessor.Outcome.REDELIVER);
        }
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            if (outcomes.get(i) == RecordProcessor.Outcome.REDELIVER) {
                failures.add(
                        new SQSBatchResponse.BatchItemFailure(records.get(i).getMessageId()));
            }
        }
        FunctionLog.set(invocation);
        LOG.info("batch done", Map.of("records", records.size(), "reportedFailures", failures.size()));
        FunctionLog.clear();
        return new SQSBatchResponse(failures);
    }

    /** The S3 client: path-style and relaxed checksums when an endpoint override (a local stand-in) is set. */
    public static S3Client s3Client(BridgeConfig config) {
        S3ClientBuilder builder = S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder());
        if (config.region() != null) {
            builder.region(Region.of(config.region()));
        }
        if (config.s3Endpoint() != null) {
            builder.endpointOverride(config.s3Endpoint())
                    .forcePathStyle(true)
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
            if (config.region() == null) {
                builder.region(Region.US_EAST_1);
            }
        }
        return builder.build();
    }

    private static TokenSource tokenSource(BridgeConfig config) {
        if (config.bridgeTokenSecretArn() != null) {
            SecretsManagerClient[] client = new SecretsManagerClient[1]; // built on first use, then kept
            return TokenSource.secretsManager(
                    () -> {
                        synchronized (client) {
                            if (client[0] == null) {
                                client[0] = secretsManager(config);
                            }
                            return client[0];
                        }
                    },
                    config.bridgeTokenSecretArn());
        }
        return TokenSource.fixed(config.bridgeToken());
    }

    private static SecretsManagerClient secretsManager(BridgeConfig config) {
        SecretsManagerClientBuilder builder =
                SecretsManagerClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder());
        if (config.region() != null) {
            builder.region(Region.of(config.region()));
        }
        return builder.build();
    }
}
