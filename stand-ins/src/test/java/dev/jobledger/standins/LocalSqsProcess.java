package dev.jobledger.standins;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** A local SQS in a JVM of its own, keeping its messages in a directory, until it is killed: {@code port directory}. */
final class LocalSqsProcess {

    private LocalSqsProcess() {}

    public static void main(String[] args) throws InterruptedException {
        LocalSqs sqs = LocalSqs.start(Integer.parseInt(args[0]), Path.of(args[1]));
        sqs.createQueueWithDeadLetterQueue(PersistentLocalSqsTest.QUEUE, 30, 5);
        new CountDownLatch(1).await();
    }
}
