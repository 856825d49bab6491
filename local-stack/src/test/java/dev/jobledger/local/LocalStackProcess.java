package dev.jobledger.local;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The local stack as {@code ./run-local} starts it ({@link LocalJobLedger}'s main: PostgreSQL, the SQS and S3
 * stand-ins, the service and its worker), in a JVM of its own on a data directory and fixed ports, so that a test can
 * kill it with SIGKILL and start it again where it was.
 */
final class LocalStackProcess {

    private static final Duration STARTUP = Duration.ofMinutes(3);

    private final Path dataDir;
    private final int httpPort;
    private final int pgPort;
    private final int sqsPort;
    private final Map<String, String> environment;
    private final List<String> arguments;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private int starts;

    /**
     * @param dataDir the stack's data directory, kept across its starts
     * @param environment variables for the stack, added to the ones naming the data directory and ports
     * @param arguments the service's command line, such as {@code --jobledger.attempts.lease=5s}
     */
    LocalStackProcess(Path dataDir, Map<String, String> environment, List<String> arguments) {
        this.dataDir = dataDir;
        this.httpPort = freePort();
        // PostgreSQL keeps its port across starts: a postmaster that outlived a killed JVM is found there again.
        this.pgPort = freePort();
        this.sqsPort = freePort();
        this.environment = Map.copyOf(environment);
        this.arguments = List.copyOf(arguments);
    }

    int httpPort() {
        return httpPort;
    }

    int sqsPort() {
        return sqsPort;
    }

    /** Starts the stack's JVM and waits until the service answers UP. */
    void start() {
        launch();
        await().atMost(STARTUP).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("The local stack stopped while starting (exit " + process.exitValue()
                        + "); the end of its log:\n" + logTail());
            }
            return isUp();
        });
    }

    /** Starts the stack's JVM and waits, as long as a start may take, for it to end by itself: its exit value. */
    int startAndAwaitItsEnd() {
        launch();
        await().atMost(STARTUP).pollInterval(Duration.ofMillis(250)).until(() -> !process.isAlive());
        return process.exitValue();
    }

    /** Whether the PostgreSQL of this data directory runs. */
    boolean databaseRuns() {
        return postmaster().isPresent();
    }

    private void launch() {
        starts++;
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Startup speed on a small, shared machine; neither changes what the stack does.
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xmx1g",
                "-cp",
                mainClassPath(),
                LocalJobLedger.class.getName(),
                "--server.port=" + httpPort));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        Map<String, String> env = builder.environment();
        // Only what this test says: nothing of the caller's own local or AWS configuration.
        env.keySet()
                .removeIf(name -> name.startsWith("JOBLEDGER_")
                        || name.startsWith("AWS_")
                        || name.startsWith("SPRING_")
                        || name.equals("SERVER_PORT"));
        env.put("JOBLEDGER_LOCAL_DATA", dataDir.toString());
        env.put("JOBLEDGER_LOCAL_PG_PORT", Integer.toString(pgPort));
        env.put("JOBLEDGER_LOCAL_SQS_PORT", Integer.toString(sqsPort));
        env.put("JOBLEDGER_LOCAL_S3_PORT", "0");
        env.putAll(environment);
        try {
            appendToLog("---- start " + starts);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL of the stack's JVM: the service, its worker and the SQS and S3 stand-ins die at once. */
    void kill() {
        process.destroyForcibly();
        awaitExit(process.toHandle());
        appendToLog("---- killed (SIGKILL)");
    }

    /**
     * SIGKILL of PostgreSQL too: the postmaster the embedding library started, which a dead JVM leaves running, and
     * its backends. The next start recovers the database from its write-ahead log.
     */
    void killDatabase() {
        ProcessHandle postmaster =
                postmaster().orElseThrow(() -> new AssertionError("No PostgreSQL runs for " + dataDir));
        List<ProcessHandle> all =
                Stream.concat(Stream.of(postmaster), postmaster.descendants()).toList();
        all.forEach(ProcessHandle::destroyForcibly);
        all.forEach(LocalStackProcess::awaitExit);
        appendToLog("---- PostgreSQL killed (SIGKILL)");
    }

    /** Stops the stack as Ctrl-C does (SIGTERM and its shutdown hook); answers whether it stopped within a minute. */
    boolean stop() {
        process.destroy();
        try {
            return process.waitFor(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Leaves nothing running: the stack's JVM and its PostgreSQL, whatever state a failed test left them in. */
    void cleanUp() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            awaitExit(process.toHandle());
        }
        postmaster().ifPresent(postmaster -> {
            // SIGTERM: PostgreSQL's smart shutdown, which its clients, all dead, do not hold up.
            postmaster.destroy();
            try {
                awaitExit(postmaster);
            } catch (ConditionTimeoutException stillRunning) {
                postmaster.descendants().forEach(ProcessHandle::destroyForcibly);
                postmaster.destroyForcibly();
            }
        });
    }

    /** The last lines the stack wrote, for failure messages. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log(), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private boolean isUp() {
        try {
            HttpResponse<String> health = http.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + "/actuator/health"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return health.statusCode() == 200 && health.body().contains("\"UP\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The running postmaster of this data directory, from its pid file, if it is still a PostgreSQL process. */
    private Optional<ProcessHandle> postmaster() {
        Path pidFile = dataDir.resolve("postgres").resolve("postmaster.pid");
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(handle -> handle.info()
                            .command()
                            .map(command -> command.contains("postgres"))
                            .orElse(false));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static void awaitExit(ProcessHandle handle) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !handle.isAlive());
    }

    /**
     * The classpath without test classes: the stack runs what {@code ./run-local} runs, and nothing written for tests
     * is scanned into its Spring context.
     */
    private static String mainClassPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.endsWith("test-classes") && !entry.endsWith("-tests.jar"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    private Path log() {
        return dataDir.resolve("local-stack.log");
    }

    private void appendToLog(String line) {
        try {
            Files.writeString(
                    log(),
                    line + System.lineSeparator(),
                    StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
