package dev.jobledger.lambda.spi;

import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** What a handler gets for one attempt. Used by one thread: the one that called the handler. */
public interface JobContext {

    UUID jobId();

    String jobType();

    /** The attempt being run, 1-based, counting up over the job's whole life (retries included). */
    int attempt();

    /** The job's payload as submitted (a JSON object); empty when none was given. */
    Map<String, Object> payload();

    /**
     * The job's input file, streamed from S3 (never read into memory by the bridge), or empty when the job has none.
     * The same stream is returned on every call; the bridge closes it after the handler returns.
     */
    Optional<InputStream> file();

    /** The client's file name (data only, never a path to open), or empty. */
    Optional<String> fileName();

    /** The job's log. */
    JobLogger log();

    /**
     * Reports how far the attempt has come. Cheap to call per row: the bridge sends the latest figures every few
     * seconds and once at the end.
     *
     * @param processed units handled so far, failed ones included
     * @param total units expected in all, or {@code null} when unknown
     * @param failed units that failed so far
     */
    void progress(long processed, Long total, long failed);

    /**
     * Whether the handler must stop now: the job was cancelled, the attempt is no longer the running one, or the
     * function's remaining time fell below the safety margin. Cheap to call per row; it also sends buffered logs and
     * progress when they are due.
     */
    boolean shouldStop();

    /** Throws {@link JobStopped} when {@link #shouldStop()} is true. */
    default void checkStop() {
        if (shouldStop()) {
            throw new JobStopped("the attempt was asked to stop");
        }
    }

    /** Time left before the function's own timeout. */
    Duration remainingTime();
}
