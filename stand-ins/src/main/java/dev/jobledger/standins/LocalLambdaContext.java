package dev.jobledger.standins;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/**
 * What the Lambda runtime hands the function for one invocation, on one machine: a request id and a remaining time
 * that really counts down from the invocation's budget (the function stops starting work when it runs short). The
 * local event source mapping invokes the function with it, and so do the function's tests.
 */
public final class LocalLambdaContext implements Context {

    public static final String FUNCTION_NAME = "job-processor-local";
    public static final int MEMORY_LIMIT_MB = 1024;

    private final String requestId;
    private final long deadlineNanos;

    /** An invocation with this request id that may run for {@code budget} from now. */
    public LocalLambdaContext(String requestId, Duration budget) {
        this.requestId = requestId;
        // Monotonic: a wall-clock step must not give an invocation more or less time.
        this.deadlineNanos = System.nanoTime() + budget.toNanos();
    }

    /** An invocation with a fresh request id that may run for {@code budget} from now. */
    public static LocalLambdaContext withBudget(Duration budget) {
        return new LocalLambdaContext(UUID.randomUUID().toString(), budget);
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000L);
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + FUNCTION_NAME;
    }

    @Override
    public String getLogStreamName() {
        return "local";
    }

    @Override
    public String getFunctionName() {
        return FUNCTION_NAME;
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:local:000000000000:function:" + FUNCTION_NAME;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getMemoryLimitInMB() {
        return MEMORY_LIMIT_MB;
    }

    @Override
    public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override
            public void log(String message) {
                System.out.println(message);
            }

            @Override
            public void log(byte[] message) {
                System.out.println(new String(message, StandardCharsets.UTF_8));
            }
        };
    }
}
