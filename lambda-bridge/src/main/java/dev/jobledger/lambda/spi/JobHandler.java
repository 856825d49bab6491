package dev.jobledger.lambda.spi;

/**
 * Runs one job type. Implementations are stateless (one instance serves every attempt of every job of its type in a
 * warm function) and have a public no-argument constructor when they are registered through {@code
 * META-INF/services/dev.jobledger.lambda.spi.JobHandler}.
 *
 * <p>The contract:
 *
 * <ul>
 *   <li>Return a {@link HandlerResult}: the attempt completes with it.
 *   <li>Throw a {@link JobFailure} with {@code retryable=false} when another attempt cannot succeed (bad input); any
 *       other exception fails the attempt as retryable. The ledger decides whether a retry follows.
 *   <li>Call {@link JobContext#shouldStop()} (or {@link JobContext#checkStop()}) at least once per row or unit of work,
 *       and return or throw promptly when it says stop. After a stop, whatever is returned is ignored.
 * </ul>
 */
public interface JobHandler {

    /** The job type this handler runs, e.g. {@code csv-import}. */
    String jobType();

    /** Runs one attempt. */
    HandlerResult handle(JobContext context) throws Exception;
}
