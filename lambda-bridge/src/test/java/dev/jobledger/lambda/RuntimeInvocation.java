package dev.jobledger.lambda;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import dev.jobledger.standins.LocalLambdaContext;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One invocation of the function as the Lambda Java runtime makes it, for {@link ShadedJarTest}'s own JVM: the
 * handler class loaded by name and built with its no-argument constructor (configuration from the environment), the
 * event read and the answer written with the runtime's Jackson serializer. Uses nothing of the function but what the
 * deployable jar carries. The event comes as that serializer writes an {@link SQSEvent} object, not as Lambda
 * delivers it: the runtime's mapping of the delivered names is its own business, and the other tests read the
 * delivered events with it.
 *
 * <p>Arguments: the event file, the answer file, the invocation's budget in milliseconds.
 */
public final class RuntimeInvocation {

    private RuntimeInvocation() {}

    @SuppressWarnings("unchecked")
    public static void main(String[] args) throws Exception {
        ClassLoader loader = RuntimeInvocation.class.getClassLoader();
        RequestHandler<SQSEvent, SQSBatchResponse> handler = (RequestHandler<SQSEvent, SQSBatchResponse>)
                Class.forName("dev.jobledger.lambda.SqsJobHandler", true, loader)
                        .getConstructor()
                        .newInstance();
        PojoSerializer<SQSEvent> events = JacksonFactory.getInstance().getSerializer(SQSEvent.class);
        PojoSerializer<SQSBatchResponse> answers = JacksonFactory.getInstance().getSerializer(SQSBatchResponse.class);

        SQSEvent event;
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            event = events.fromJson(in);
        }
        SQSBatchResponse answer =
                handler.handleRequest(event, LocalLambdaContext.withBudget(Duration.ofMillis(Long.parseLong(args[2]))));
        try (OutputStream out = Files.newOutputStream(Path.of(args[1]))) {
            answers.toJson(answer, out);
        }
        // The function's worker threads would keep this JVM alive; the runtime would freeze it instead.
        System.exit(0);
    }
}
