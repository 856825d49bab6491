package dev.jobledger.command.dispatch;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The dispatch outbox's backlog: attempts that are due and not sent, attempts waiting for their retry backoff, and
 * how long the oldest due attempt has waited (the figure to alert on: it grows when SQS or the sender is stuck).
 *
 * <p>One query serves the three gauges and is kept for a few seconds, so that a scrape costs at most one small
 * aggregate over the table's due index, however many gauges and scrapers read it.
 */
@Component
class OutboxMetrics implements MeterBinder {

    private static final Duration KEPT = Duration.ofSeconds(5);

    private record Backlog(long due, long waiting, double oldestDueSeconds, Instant readAt) {}

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private volatile Backlog last = new Backlog(0, 0, 0, Instant.EPOCH);

    OutboxMetrics(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(
                        "jobledger.dispatch.outbox.due",
                        this,
                        metrics -> metrics.backlog().due())
                .description("Attempts due for dispatch and not yet sent to SQS")
                .register(registry);
        Gauge.builder(
                        "jobledger.dispatch.outbox.waiting",
                        this,
                        metrics -> metrics.backlog().waiting())
                .description("Attempts waiting for their retry backoff before dispatch")
                .register(registry);
        Gauge.builder(
                        "jobledger.dispatch.outbox.oldest.due.age",
                        this,
                        metrics -> metrics.backlog().oldestDueSeconds())
                .description("How long the oldest due attempt has waited for dispatch")
                .baseUnit("seconds")
                .register(registry);
    }

    private synchronized Backlog backlog() {
        Instant now = clock.instant();
        if (Duration.between(last.readAt(), now).compareTo(KEPT) < 0) {
            return last;
        }
        last = jdbc.queryForObject(
                """
                SELECT count(*) FILTER (WHERE due_at <= now()),
                       count(*) FILTER (WHERE due_at > now()),
                       coalesce(extract(EPOCH FROM now() - min(due_at) FILTER (WHERE due_at <= now())), 0)
                FROM job_dispatch
                """, (row, i) -> new Backlog(row.getLong(1), row.getLong(2), Math.max(0, row.getDouble(3)), now));
        return last;
    }
}
