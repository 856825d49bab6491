package dev.jobledger.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/**
 * The Lambda function: {@code dev.jobledger.lambda.SqsJobHandler::handleRequest}, triggered by the job queue with
 * {@code ReportBatchItemFailures}. Starts the batch's records with one ledger call, runs their handlers one after the
 * other and reports their ends in batched calls; an exception in one record never fails the others. Only records that
 * must come back are reported in {@code batchItemFailures}; a started record the invocation had no time left for goes
 * back to its queue as a new message instead, so that it does not use up the job's receives.
 *
 * <p>A stream handler: it reads the event's JSON and writes its answer itself. For a typed handler the Lambda Java
 * runtime would use its own event serializer, which loads Joda-Time from the function's class loader for every event
 * type, SQS's included (aws/aws-lambda-java-libs#72); the jar does not carry Joda-Time, and needs no event library.
 */
public final class SqsJobHandler implements RequestStreamHandler {

    private static final FunctionLog LOG = FunctionLog.of(SqsJobHandler.class);

    private final RecordProcessor processor;
    private final ObjectMapper json = new ObjectMapper();

    /** Used by the Lambda runtime: configuration from the environment, AWS clients built here (once per instance). */
    public SqsJobHandler() {
        this(BridgeConfig.fromEnvironment(System.getenv()));
    }

    private SqsJobHandler(BridgeConfig config) {
        this(
                config,
                new LedgerClient(config, tokenSource(config)),
                s3Client(config),
                firstUse(() -> sqsClient(config)),
                HandlerRegistry.fromServiceLoader());
        LOG.info("job processor ready", Map.of("config", config.toString()));
    }

    /** For tests and the local poller: everything given. */
    public SqsJobHandler(
            BridgeConfig config, LedgerClient ledger, S3Client s3, SqsClient sqs, HandlerRegistry handlers) {
        this(config, ledger, s3, given(Objects.requireNonNull(sqs, "sqs")), handlers);
    }

    private SqsJobHandler(
            BridgeConfig config, LedgerClient ledger, S3Client s3, Supplier<SqsClient> sqs, HandlerRegistry handlers) {
        this.processor = new RecordProcessor(
                Objects.requireNonNull(config, "config"),
                Objects.requireNonNull(ledger, "ledger"),
                Objects.requireNonNull(s3, "s3"),
                Objects.requireNonNull(handlers, "handlers"),
                new Requeue(sqs));
    }

    /**
     * One invocation: the SQS event's JSON in, the batch response's JSON out. An event that is not JSON fails the
     * invocation (an IOException to the runtime), and Lambda delivers the whole batch again.
     */
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        // The mapper works out how to read an event and write an answer on its first use, the first invocation: in
        // the constructor, which every cold start waits for, it added a tenth of a second to ColdStart's measure.
        SqsEvent event = json.readValue(input, SqsEvent.class);
        // The stream is the runtime's: flushed, not closed.
        json.writerFor(BatchResponse.class)
                .without(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .writeValue(output, handle(event, context));
        output.flush();
    }

    private BatchResponse handle(SqsEvent event, Context context) {
        List<SqsEvent.SqsMessage> records = event == null || event.records() == null ? List.of() : event.records();
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
        List<BatchResponse.ItemFailure> failures = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            if (outcomes.get(i) == RecordProcessor.Outcome.REDELIVER) {
                failures.add(new BatchResponse.ItemFailure(records.get(i).messageId()));
            }
        }
        FunctionLog.set(invocation);
        LOG.info("batch done", Map.of("records", records.size(), "reportedFailures", failures.size()));
        FunctionLog.clear();
        return new BatchResponse(failures);
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

    /**
     * The SQS client that sends records back to their queue: with an endpoint override (a local stand-in) when one is
     * set.
     */
    public static SqsClient sqsClient(BridgeConfig config) {
        SqsClientBuilder builder = SqsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder());
        if (config.region() != null) {
            builder.region(Region.of(config.region()));
        }
        if (config.sqsEndpoint() != null) {
            builder.endpointOverride(config.sqsEndpoint());
            if (config.region() == null) {
                builder.region(Region.US_EAST_1);
            }
        }
        return builder.build();
    }

    private static <T> Supplier<T> given(T value) {
        return () -> value;
    }

    /** Built on first use, then kept: most invocations never need it, and cold starts stay short. */
    private static <T> Supplier<T> firstUse(Supplier<T> build) {
        Object lock = new Object();
        List<T> built = new ArrayList<>(1);
        return () -> {
            synchronized (lock) {
                if (built.isEmpty()) {
                    built.add(build.get());
                }
                return built.get(0);
            }
        };
    }

    private static TokenSource tokenSource(BridgeConfig config) {
        if (config.bridgeTokenSecretArn() != null) {
            return TokenSource.secretsManager(firstUse(() -> secretsManager(config)), config.bridgeTokenSecretArn());
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
