package dev.jobledger.lambda;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.jobledger.standins.LocalLambdaContext;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One invocation of the function as the Lambda Java runtime makes it of a stream handler, for {@link ShadedJarTest}'s
 * own JVM: the handler class loaded by name and built with its no-argument constructor (configuration from the
 * environment), the event's bytes, as Lambda delivers them, handed in and the answer's bytes taken out as they come.
 * No serializer of the runtime's between them, and nothing of the function but what the deployable jar carries: this
 * class names only the JDK, the Lambda core interfaces and the stand-ins' context.
 *
 * <p>Arguments: the event file, the answer file, the invocation's budget in milliseconds.
 */
public final class RuntimeInvocation {

    private RuntimeInvocation() {}

    public static void main(String[] args) throws Exception {
        ClassLoader loader = RuntimeInvocation.class.getClassLoader();
        RequestStreamHandler handler =
                (RequestStreamHandler) Class.forName("dev.jobledger.lambda.SqsJobHandler", true, loader)
                        .getConstructor()
                        .newInstance();
        try (InputStream in = Files.newInputStream(Path.of(args[0]));
                OutputStream out = Files.newOutputStream(Path.of(args[1]))) {
            handler.handleRequest(in, out, LocalLambdaContext.withBudget(Duration.ofMillis(Long.parseLong(args[2]))));
        }
        // The function's worker threads would keep this JVM alive; the runtime would freeze it instead.
        System.exit(0);
    }
}
