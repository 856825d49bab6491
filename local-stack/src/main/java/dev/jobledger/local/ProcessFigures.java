package dev.jobledger.local;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time and memory of the local stack, read from the JVM and from {@code /proc}: the stack's JVM (service,
 * stand-ins, function and load generator) and its PostgreSQL server processes, which are the JVM's descendants.
 */
record ProcessFigures(double jvmCpuSeconds, double postgresCpuSeconds, long jvmRssBytes, long jvmPeakRssBytes) {

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
        return new ProcessFigures(jvm, postgres, statusBytes("VmRSS"), statusBytes("VmHWM"));
    }

    ProcessFigures since(ProcessFigures start) {
        return new ProcessFigures(
                jvmCpuSeconds - start.jvmCpuSeconds,
                postgresCpuSeconds - start.postgresCpuSeconds,
                jvmRssBytes,
                jvmPeakRssBytes);
    }

    String describe(int jobs) {
        return String.format(
                "cpu: %.1f s in the stack's JVM (%.2f ms per job) + %.1f s in PostgreSQL (%.2f ms per job); JVM RSS %d MiB"
                        + " (peak %d MiB)",
                jvmCpuSeconds,
                jvmCpuSeconds * 1000 / jobs,
                postgresCpuSeconds,
                postgresCpuSeconds * 1000 / jobs,
                jvmRssBytes >> 20,
                jvmPeakRssBytes >> 20);
    }

    /**
     * A process's CPU time, with its exited children's, when it is a PostgreSQL process (its name, in /proc, is
     * "postgres"): the postmaster's children are its backends, so ended connections still count.
     */
    private static double postgresCpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            if (!stat.contains("(postgres)")) {
                return 0;
            }
            // Fields after the command name, which may hold spaces, start after its closing parenthesis.
            List<String> fields =
                    List.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
            long ticks = 0;
            for (int field = 11; field <= 14; field++) {
                ticks += Long.parseLong(fields.get(field));
            }
            return ticks / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException gone) {
            return 0;
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
