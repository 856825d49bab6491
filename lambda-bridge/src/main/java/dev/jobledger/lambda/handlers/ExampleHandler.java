package dev.jobledger.lambda.handlers;

import dev.jobledger.lambda.spi.HandlerResult;
import dev.jobledger.lambda.spi.JobContext;
import dev.jobledger.lambda.spi.JobFailure;
import dev.jobledger.lambda.spi.JobHandler;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;

/**
 * {@code example}: shows the SPI and the retry path. Counts the file's lines (if the job has a file) and logs a summary
 * (lines, bytes). Payload: {@code failTimes} (n: attempts 1..n fail with a retryable error), {@code sleepMillis}
 * (simulated work, checking for stop requests). Completes with {@code {lines: n}}.
 */
public final class ExampleHandler implements JobHandler {

    public static final String JOB_TYPE = "example";

    @Override
    public String jobType() {
        return JOB_TYPE;
    }

    @Override
    public HandlerResult handle(JobContext context) throws Exception {
        long failTimes = number(context.payload(), "failTimes");
        if (context.attempt() <= failTimes) {
            throw JobFailure.retryable(
                    "example: attempt " + context.attempt() + " fails on purpose (failTimes=" + failTimes + ")");
        }
        long sleepMillis = number(context.payload(), "sleepMillis");
        long until = System.nanoTime() + sleepMillis * 1_000_000L;
        while (System.nanoTime() < until) {
            context.checkStop();
            Thread.sleep(Math.min(50, Math.max(1, (until - System.nanoTime()) / 1_000_000L)));
        }

        long lines = 0;
        Optional<InputStream> file = context.file();
        if (file.isPresent()) {
            CountingStream counted = new CountingStream(file.get());
            // Newline bytes are counted in fixed chunks, never a line held whole: a file of one endless line is as
            // cheap as any other. In UTF-8 the byte 0x0A is always a newline, never part of another character.
            try (InputStream in = counted) {
                byte[] chunk = new byte[64 * 1024];
                int last = '\n';
                for (int read = in.read(chunk); read != -1; read = in.read(chunk)) {
                    context.checkStop();
                    for (int i = 0; i < read; i++) {
                        if (chunk[i] == '\n') {
                            lines++;
                        }
                    }
                    if (read > 0) {
                        last = chunk[read - 1];
                    }
                    context.progress(lines, null, 0);
                }
                if (last != '\n') {
                    lines++; // a last line without a newline
                }
            }
            context.log()
                    .info(
                            "read " + lines + " lines (" + counted.count + " bytes) from "
                                    + context.fileName().orElse("the job's file"),
                            Map.of("lines", lines, "bytes", counted.count));
        } else {
            context.log().info("the job has no file: 0 lines (0 bytes)", Map.of("lines", 0, "bytes", 0));
        }
        context.progress(lines, lines, 0);
        return HandlerResult.of(Map.of("lines", lines));
    }

    private static long number(Map<String, Object> payload, String key) {
        Object value = payload.get(key);
        if (value == null) {
            return 0;
        }
        if (!(value instanceof Number number) || number.longValue() < 0) {
            throw JobFailure.notRetryable("example: \"" + key + "\" must be a number of at least 0");
        }
        return number.longValue();
    }

    private static final class CountingStream extends FilterInputStream {

        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public void close() {
            // the bridge closes the file stream
        }
    }
}
