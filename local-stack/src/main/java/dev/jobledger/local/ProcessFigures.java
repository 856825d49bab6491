package dev.jobledger.local;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * CPU time and memory of the local stack, read from the JVM and from {@code /proc}: the stack's JVM (service,
 * stand-ins, function and load generator) and its PostgreSQL server processes, which are the JVM's descendants. Of
 * the JVM's time, the JIT compilers', the SQS stand-in's (ElasticMQ's threads) and the benchmark's clients' ({@link
 * #clients}) are told apart: on two cores the compilers may take one of them for minutes, the stand-in, which AWS
 * runs in production, takes a good part of the pipeline's CPU, and the clients would run elsewhere; a figure must not
 * hide any of them.
 */
record ProcessFigures(
        double jvmCpuSeconds,
        Map<String, Double> compilerThreadCpuSeconds,
        Map<String, Double> sqsStandInThreadCpuSeconds,
        Map<String, Double> clientThreadCpuSeconds,
        double postgresCpuSeconds,
        double sqsStandInPostgresCpuSeconds,
        long jvmRssBytes,
        long jvmPeakRssBytes) {

    /** Linux reports process times in clock ticks of 1/100 s on every platform the JDK runs on here. */
    private static final double TICKS_PER_SECOND = 100.0;

    /** Linux keeps the first 15 characters of a thread's name: "bench-client-16" is whole. */
    private static final String CLIENT_THREAD = "bench-client-";

    /**
     * The benchmark's clients: threads whose CPU time the figures tell apart. Shut the pool down only after the
     * figures are read, since a thread that ended takes its time with it.
     */
    static ExecutorService clients(int count) {
        AtomicInteger next = new AtomicInteger();
        return Executors.newFixedThreadPool(count, work -> {
            Thread client = new Thread(work, CLIENT_THREAD + next.incrementAndGet());
            // A benchmark that fails ends its JVM; its clients do not keep it alive.
            client.setDaemon(true);
            return client;
        });
    }

    static ProcessFigures now() {
        double jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime()
                / 1e9;
        // The embedded server's pg_ctl detaches the postmaster from this JVM, so its processes are found by name; the
        // benchmark's machine runs no other PostgreSQL.
        double postgres = 0;
        double standInPostgres = 0;
        for (ProcessHandle process : (Iterable<ProcessHandle>) ProcessHandle.allProcesses()::iterator) {
            double seconds = postgresCpuSeconds(process.pid());
            postgres += seconds;
            // The stand-in keeps its connections open, so its backends' time is theirs; a backend that ended counts
            // in the server's total only, which makes the stand-in's part a lower bound.
            if (seconds > 0 && isBackendOf(LocalJobLedger.QUEUE_DATABASE, process.pid())) {
                standInPostgres += seconds;
            }
        }
        return new ProcessFigures(
                jvm,
                threadsNow(name -> name.endsWith("CompilerThre")),
                // Linux keeps the first 15 characters of a thread's name: "elasticmq-pekko.actor.default-dispatcher-7"
                // is "elasticmq-pekko", the stand-in's scheduler "elasticmq-sched".
                threadsNow(name -> name.startsWith("elasticmq")),
                threadsNow(name -> name.startsWith(CLIENT_THREAD)),
                postgres,
                standInPostgres,
                statusBytes("VmRSS"),
                statusBytes("VmHWM"));
    }

    /**
     * The figures since {@code start}. The JVM starts and ends compiler threads as its compile queue grows and
     * shrinks, as the stand-in's thread pools do with their load; a thread that ended in between takes its time with
     * it, so those figures are lower bounds.
     */
    ProcessFigures since(ProcessFigures start) {
        return new ProcessFigures(
                jvmCpuSeconds - start.jvmCpuSeconds,
                since(compilerThreadCpuSeconds, start.compilerThreadCpuSeconds),
                since(sqsStandInThreadCpuSeconds, start.sqsStandInThreadCpuSeconds),
                since(clientThreadCpuSeconds, start.clientThreadCpuSeconds),
                postgresCpuSeconds - start.postgresCpuSeconds,
                sqsStandInPostgresCpuSeconds - start.sqsStandInPostgresCpuSeconds,
                jvmRssBytes,
                jvmPeakRssBytes);
    }

    private static Map<String, Double> since(Map<String, Double> now, Map<String, Double> start) {
        Map<String, Double> since = new HashMap<>();
        now.forEach((thread, seconds) -> since.put(thread, seconds - start.getOrDefault(thread, 0.0)));
        return since;
    }

    String describe(int jobs) {
        String compilers = String.format("the JIT compilers %.1f s", sum(compilerThreadCpuSeconds));
        String standIn =
                String.format("the SQS stand-in %.2f ms per job", sum(sqsStandInThreadCpuSeconds) * 1000 / jobs);
        // Calls made from the main thread (an upload, the polls for completion) have no client threads to tell apart.
        String parts = clientThreadCpuSeconds.isEmpty()
                ? compilers + " and " + standIn
                : String.format(
                        "%s, %s and the benchmark's clients %.2f ms per job",
                        compilers, standIn, sum(clientThreadCpuSeconds) * 1000 / jobs);
        return String.format(
                "cpu: %.1f s in the stack's JVM (%.2f ms per job, of which %s) + %.1f s in PostgreSQL (%.2f ms per job,"
                        + " of which the SQS stand-in's database %.2f ms per job); JVM RSS %d MiB (peak %d MiB)",
                jvmCpuSeconds,
                jvmCpuSeconds * 1000 / jobs,
                parts,
                postgresCpuSeconds,
                postgresCpuSeconds * 1000 / jobs,
                sqsStandInPostgresCpuSeconds * 1000 / jobs,
                jvmRssBytes >> 20,
                jvmPeakRssBytes >> 20);
    }

    /** Whether the process is a PostgreSQL backend serving the database: its title is "postgres: USER DATABASE ...". */
    private static boolean isBackendOf(String database, long pid) {
        try {
            String[] title = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"))
                    .replace('\0', ' ')
                    .split(" ");
            return title.length > 2 && title[0].equals("postgres:") && title[2].equals(database);
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }

    private static double sum(Map<String, Double> threads) {
        return threads.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /**
     * A process's CPU time, with its exited children's, when it is a PostgreSQL process: the postmaster's children
     * are its backends, so ended connections still count.
     */
    private static double postgresCpuSeconds(long pid) {
        return cpuSeconds(Path.of("/proc", Long.toString(pid), "stat"), "postgres"::equals, true)
                .orElse(0);
    }

    /**
     * The CPU time of each of the JVM's threads whose name (as Linux keeps it) is one asked for, by thread id: the
     * JIT compilers' threads, which no management bean reports, and threads of the stand-ins.
     */
    private static Map<String, Double> threadsNow(Predicate<String> name) {
        Map<String, Double> found = new HashMap<>();
        try (Stream<Path> threads = Files.list(Path.of("/proc/self/task"))) {
            threads.forEach(thread -> cpuSeconds(thread.resolve("stat"), name, false)
                    .ifPresent(seconds -> found.put(thread.getFileName().toString(), seconds)));
        } catch (IOException | RuntimeException unavailable) {
            // not Linux: no figure
        }
        return found;
    }

    /**
     * The CPU time in a process's or thread's {@code /proc} stat file, with its exited children's if asked, when its
     * command name is one asked for; empty for another command, or when it has ended meanwhile.
     */
    private static OptionalDouble cpuSeconds(Path stat, Predicate<String> command, boolean withChildren) {
        try {
            String text = Files.readString(stat);
            // The command name may hold spaces: the fields after it start after its closing parenthesis.
            int close = text.lastIndexOf(')');
            if (!command.test(text.substring(text.indexOf('(') + 1, close))) {
                return OptionalDouble.empty();
            }
            List<String> fields = List.of(text.substring(close + 2).split(" "));
            long ticks = 0; // utime, stime, then cutime, cstime
            for (int field = 11; field <= (withChildren ? 14 : 12); field++) {
                ticks += Long.parseLong(fields.get(field));
            }
            return OptionalDouble.of(ticks / TICKS_PER_SECOND);
        } catch (IOException | RuntimeException gone) {
            return OptionalDouble.empty();
        }
    }

    private static long statusBytes(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException unavailable) {
            // not Linux: no figure
        }
        return 0;
    }
}
