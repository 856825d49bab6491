package dev.jobledger.local;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * CPU time and memory of the local stack, read from the JVM and from {@code /proc}: the stack's JVM (service,
 * stand-ins, function and load generator) and its PostgreSQL server processes, which are the JVM's descendants.
 */
record ProcessFigures(
        double jvmCpuSeconds,
        Map<String, Double> compilerThreadCpuSeconds,
        double postgresCpuSeconds,
        long jvmRssBytes,
        long jvmPeakRssBytes) {

    /** Linux reports process times in clock ticks of 1/100 s on every platform the JDK runs on here. */
    private static final double TICKS_PER_SECOND = 100.0;

    static ProcessFigures now() {
        double jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime()
                / 1e9;
        // The embedded server's pg_ctl detaches the postmaster from this JVM, so its processes are found by name; the
        // benchmark's machine runs no other PostgreSQL.
        double postgres = ProcessHandle.allProcesses()
                .mapToDouble(process -> postgresCpuSeconds(process.pid()))
                .sum();
        return new ProcessFigures(jvm, compilerThreadsNow(), postgres, statusBytes("VmRSS"), statusBytes("VmHWM"));
    }

    /**
     * The figures since {@code start}. The JVM starts and ends compiler threads as its compile queue grows and
     * shrinks; a thread that ended in between takes its time with it, so the compilers' figure is a lower bound.
     */
    ProcessFigures since(ProcessFigures start) {
        Map<String, Double> compilers = new HashMap<>();
        compilerThreadCpuSeconds.forEach((thread, seconds) ->
                compilers.put(thread, seconds - start.compilerThreadCpuSeconds.getOrDefault(thread, 0.0)));
        return new ProcessFigures(
                jvmCpuSeconds - start.jvmCpuSeconds,
                compilers,
                postgresCpuSeconds - start.postgresCpuSeconds,
                jvmRssBytes,
                jvmPeakRssBytes);
    }

    String describe(int jobs) {
        return String.format(
                "cpu: %.1f s in the stack's JVM (%.2f ms per job, of which the JIT compilers %.1f s) + %.1f s in"
                        + " PostgreSQL (%.2f ms per job); JVM RSS %d MiB (peak %d MiB)",
                jvmCpuSeconds,
                jvmCpuSeconds * 1000 / jobs,
                compilerThreadCpuSeconds.values().stream()
                        .mapToDouble(Double::doubleValue)
                        .sum(),
                postgresCpuSeconds,
                postgresCpuSeconds * 1000 / jobs,
                jvmRssBytes >> 20,
                jvmPeakRssBytes >> 20);
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
     * The CPU time of each of the JVM's JIT compiler threads, by thread id, which no management bean reports: on two
     * cores, C2 compiling a service of this size takes one of them for minutes under load, which a figure must not
     * hide.
     */
    private static Map<String, Double> compilerThreadsNow() {
        Map<String, Double> compilers = new HashMap<>();
        try (Stream<Path> threads = Files.list(Path.of("/proc/self/task"))) {
            threads.forEach(thread -> cpuSeconds(thread.resolve("stat"), name -> name.endsWith("CompilerThre"), false)
                    .ifPresent(seconds -> compilers.put(thread.getFileName().toString(), seconds)));
        } catch (IOException | RuntimeException unavailable) {
            // not Linux: no figure
        }
        return compilers;
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
