package dev.jobledger.command.dispatch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;

/**
 * The outbox statements of one processor batch, sent as a few JDBC batches when it commits instead of one round trip
 * per event: each statement joins the first batch of its kind that runs after every earlier statement for the same
 * job, so a job's statements keep their order (forget before the schedule of a retry, schedule before the forget of
 * a cancel) while different jobs' statements, which touch different rows, travel together.
 */
final class OutboxWrites {

    private record Run(String sql, List<Object[]> arguments) {}

    private final List<Run> runs = new ArrayList<>();
    private final Map<UUID, Integer> lastRunOfJob = new HashMap<>();

    void add(String sql, UUID jobId, Object... arguments) {
        int run = lastRunOfJob.getOrDefault(jobId, -1) + 1;
        while (run < runs.size() && !runs.get(run).sql().equals(sql)) {
            run++;
        }
        if (run == runs.size()) {
            runs.add(new Run(sql, new ArrayList<>()));
        }
        runs.get(run).arguments().add(arguments);
        lastRunOfJob.put(jobId, run);
    }

    /** Hands each batch over in order (a JDBC batch is one round trip) and starts empty again. */
    void flush(BiConsumer<String, List<Object[]>> batches) {
        for (Run run : runs) {
            batches.accept(run.sql(), run.arguments());
        }
        runs.clear();
        lastRunOfJob.clear();
    }
}
