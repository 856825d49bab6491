package dev.jobledger.standins;

import java.util.concurrent.CountDownLatch;

/** A local SQS in a JVM of its own, keeping its messages in a PostgreSQL database, until it is killed: {@code port jdbcUrl}. */
final class LocalSqsProcess {

    private LocalSqsProcess() {}

    public static void main(String[] args) throws InterruptedException {
        LocalSqs sqs = LocalSqs.start(Integer.parseInt(args[0]), new LocalSqs.Storage(args[1], "postgres", ""));
        sqs.createQueueWithDeadLetterQueue(PersistentLocalSqsTest.QUEUE, 30, 5);
        new CountDownLatch(1).await();
    }
}
