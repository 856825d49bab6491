package dev.jobledger.lambda;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The function's own structured log (CloudWatch), not the job's log: one JSON object per line with timestamp, level,
 * message and the delivery fields (jobId, attempt, requestId, messageId) of the record being processed on this
 * thread. Deliberately tiny: no logging framework, for cold start. Never give it the bearer token.
 *
 * <p>Lines below the level Lambda's application log-level filtering sets ({@code AWS_LAMBDA_LOG_LEVEL}; the Terraform
 * module's {@code log_level}, INFO by default) are not even built: Lambda would drop them, and at two DEBUG lines per
 * job they cost more CPU than the rest of the log.
 */
public final class FunctionLog {

    /** Lambda's application log levels, lowest first. */
    enum Level {
        TRACE,
        DEBUG,
        INFO,
        WARN,
        ERROR,
        FATAL;

        /** The level named (any case); INFO for none or a name Lambda does not use. */
        static Level named(String name) {
            if (name != null) {
                for (Level level : values()) {
                    if (level.name().equalsIgnoreCase(name.strip())) {
                        return level;
                    }
                }
            }
            return INFO;
        }
    }

    /** Fields of the record being processed, set per record by the function. */
    public record Fields(String requestId, String messageId, String jobId, Integer attempt) {

        static final Fields NONE = new Fields(null, null, null, null);

        Fields withJob(String jobId, Integer attempt) {
            return new Fields(requestId, messageId, jobId, attempt);
        }

        Fields withMessage(String messageId) {
            return new Fields(requestId, messageId, null, null);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ThreadLocal<Fields> FIELDS = ThreadLocal.withInitial(() -> Fields.NONE);
    private static volatile PrintStream out = System.out;
    private static volatile Clock clock = Clock.systemUTC();
    private static volatile Level threshold = Level.named(System.getenv("AWS_LAMBDA_LOG_LEVEL"));

    private final String logger;

    private FunctionLog(String logger) {
        this.logger = logger;
    }

    public static FunctionLog of(Class<?> type) {
        return new FunctionLog(type.getSimpleName());
    }

    /** Redirects every logger (tests). */
    public static void redirect(PrintStream stream) {
        out = stream;
    }

    /** Sets the lowest level written (tests; the function reads {@code AWS_LAMBDA_LOG_LEVEL}). */
    static void threshold(Level level) {
        threshold = level;
    }

    static void set(Fields fields) {
        FIELDS.set(fields);
    }

    static Fields fields() {
        return FIELDS.get();
    }

    static void clear() {
        FIELDS.remove();
    }

    public void debug(String message) {
        write(Level.DEBUG, message, null, null);
    }

    public void info(String message) {
        write(Level.INFO, message, null, null);
    }

    public void info(String message, Map<String, ?> extra) {
        write(Level.INFO, message, extra, null);
    }

    public void warn(String message) {
        write(Level.WARN, message, null, null);
    }

    public void warn(String message, Throwable error) {
        write(Level.WARN, message, null, error);
    }

    public void error(String message) {
        write(Level.ERROR, message, null, null);
    }

    public void error(String message, Throwable error) {
        write(Level.ERROR, message, null, error);
    }

    private void write(Level level, String message, Map<String, ?> extra, Throwable error) {
        if (level.compareTo(threshold) < 0) {
            return;
        }
        Fields fields = FIELDS.get();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("timestamp", clock.instant().toString());
        line.put("level", level.name());
        line.put("logger", logger);
        line.put("message", message);
        putIfSet(line, "jobId", fields.jobId());
        putIfSet(line, "attempt", fields.attempt());
        putIfSet(line, "requestId", fields.requestId());
        putIfSet(line, "messageId", fields.messageId());
        if (extra != null) {
            extra.forEach((key, value) -> line.putIfAbsent(key, value));
        }
        if (error != null) {
            line.put("error", error.toString());
            StringWriter trace = new StringWriter();
            error.printStackTrace(new PrintWriter(trace));
            line.put("stackTrace", trace.toString());
        }
        String text;
        try {
            text = JSON.writeValueAsString(line);
        } catch (Exception e) {
            text = "{\"level\":\"ERROR\",\"message\":\"unloggable line: "
                    + e.getClass().getName() + "\"}";
        }
        PrintStream stream = out;
        synchronized (stream) {
            stream.println(text);
        }
    }

    private static void putIfSet(Map<String, Object> line, String key, Object value) {
        if (value != null) {
            line.put(key, value);
        }
    }
}
