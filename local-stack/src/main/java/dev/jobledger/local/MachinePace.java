package dev.jobledger.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * How fast the machine is at the moment a benchmark runs. The same build moved 275 jobs/s through the pipeline in some
 * minutes of these shared machines and 500 in others, spending more CPU time per job in the slow ones: a figure means
 * little without the machine's pace beside it. Two measures: a fixed piece of single-threaded work (sorting and
 * hashing; the best of ten runs, so that neither a run the scheduler interrupted nor one before the JIT compiled the
 * work counts) and a small write made durable in the directory the database writes to, which every commit waits for
 * (synchronous_commit on).
 */
record MachinePace(double workMillis, double durableWriteMillis) {

    private static final int RUNS = 10;
    private static final int WRITES = 50;
    private static final int VALUES = 1 << 20;
    private static final int WRITE_BYTES = 4096;

    /** Keeps the work's result reachable, so that the compiler cannot drop the work. */
    private static volatile long sink;

    static MachinePace measure(Path directory) throws IOException {
        double best = Double.MAX_VALUE;
        for (int run = 0; run < RUNS; run++) {
            long start = System.nanoTime();
            sink += fixedWork();
            best = Math.min(best, (System.nanoTime() - start) / 1e6);
        }
        return new MachinePace(best, medianDurableWrite(directory));
    }

    /** The cores, heap and Java the figures were taken with. */
    static String machine() {
        return "machine: " + Runtime.getRuntime().availableProcessors() + " cores, max heap "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB, Java " + System.getProperty("java.version");
    }

    String describe(String when) {
        return String.format(
                "machine pace %s: fixed work %.0f ms (best of %d runs; lower is faster), a durable %d-byte write %.2f ms"
                        + " (median of %d)",
                when, workMillis, RUNS, WRITE_BYTES, durableWriteMillis, WRITES);
    }

    /** The same values every run: a million pseudo-random longs, sorted, then hashed. */
    private static long fixedWork() {
        long[] values = new long[VALUES];
        long next = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < VALUES; i++) {
            next ^= next << 13;
            next ^= next >>> 7;
            next ^= next << 17;
            values[i] = next;
        }
        Arrays.sort(values);
        ByteBuffer bytes = ByteBuffer.allocate(VALUES * Long.BYTES);
        bytes.asLongBuffer().put(values);
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException everyJavaHasIt) {
            throw new IllegalStateException(everyJavaHasIt);
        }
        byte[] digest = sha.digest(bytes.array());
        return digest[0] + values[VALUES / 2];
    }

    /**
     * Overwrites of blocks written and made durable beforehand, as PostgreSQL writes its log into segments it has
     * filled with zeros: a write that grew the file would also wait for its new size to be made durable.
     */
    private static double medianDurableWrite(Path directory) throws IOException {
        Path file = Files.createTempFile(directory, "pace", ".bin");
        double[] millis = new double[WRITES];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer block = ByteBuffer.allocate(WRITE_BYTES);
            ByteBuffer zeros = ByteBuffer.allocate(WRITES * WRITE_BYTES);
            while (zeros.hasRemaining()) {
                channel.write(zeros, zeros.position());
            }
            channel.force(true);
            for (int write = 0; write < WRITES; write++) {
                block.clear();
                block.putInt(0, write);
                long start = System.nanoTime();
                channel.write(block, (long) write * WRITE_BYTES);
                channel.force(false);
                millis[write] = (System.nanoTime() - start) / 1e6;
            }
        } finally {
            Files.deleteIfExists(file);
        }
        Arrays.sort(millis);
        return millis[WRITES / 2];
    }
}
