package dev.jobledger.lambda;

import java.lang.management.ManagementFactory;

/**
 * Prints how long a fresh JVM takes from its start until the function's handler is ready, as the Lambda runtime
 * creates it (configuration from the environment, clients built). Used by the benchmark command.
 */
public final class ColdStart {

    private ColdStart() {}

    public static void main(String[] args) {
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        long before = System.currentTimeMillis();
        new SqsJobHandler();
        long after = System.currentTimeMillis();
        System.out.println("cold-start-ms " + (after - jvmStart) + " handler-init-ms " + (after - before));
    }
}
