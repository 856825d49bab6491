package dev.jobledger.app.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Puts the dispatch outbox's backlog into CloudWatch, where its alarm is (infrastructure/, job-ledger-service): once a
 * minute, one line in CloudWatch's embedded metric format on standard output, which the task's log driver sends to
 * CloudWatch Logs and which CloudWatch turns into metrics. No CloudWatch client and no PutMetricData permission: the
 * task may already write its logs. Every instance reports the same backlog (one table); the alarm takes the maximum.
 *
 * <p>Off unless a namespace is set ({@code jobledger.metrics.cloudwatch.namespace}); Prometheus
 * ({@code /actuator/prometheus}) has the same gauges everywhere.
 */
@Component
@ConditionalOnProperty("jobledger.metrics.cloudwatch.namespace")
class CloudWatchBacklog {

    /** What the line carries: the gauge, and its CloudWatch name and unit. */
    private record Reported(String gauge, String name, String unit) {}

    private static final List<Reported> REPORTED = List.of(
            new Reported("jobledger.dispatch.outbox.due", "OutboxDue", "Count"),
            new Reported("jobledger.dispatch.outbox.waiting", "OutboxWaiting", "Count"),
            new Reported("jobledger.dispatch.outbox.oldest.due.age", "OutboxOldestDueAgeSeconds", "Seconds"));

    /**
     * @param namespace the CloudWatch namespace of the metrics
     * @param environment the value of their {@code Environment} dimension (the deployment's name)
     */
    @ConfigurationProperties("jobledger.metrics.cloudwatch")
    record Settings(String namespace, String environment) {}

    private final MeterRegistry registry;
    private final Settings settings;
    private final Clock clock;
    private final ObjectMapper json;
    private final PrintStream out;

    CloudWatchBacklog(MeterRegistry registry, Settings settings, Clock clock, ObjectMapper json) {
        this(registry, settings, clock, json, System.out);
    }

    CloudWatchBacklog(MeterRegistry registry, Settings settings, Clock clock, ObjectMapper json, PrintStream out) {
        this.registry = registry;
        this.settings = settings;
        this.clock = clock;
        this.json = json;
        this.out = out;
    }

    @Scheduled(fixedRate = 60_000, initialDelay = 10_000)
    void report() throws Exception {
        Map<String, Object> line = new LinkedHashMap<>();
        List<Map<String, String>> metrics = new ArrayList<>();
        for (Reported reported : REPORTED) {
            Gauge gauge = registry.find(reported.gauge()).gauge();
            if (gauge != null) {
                line.put(reported.name(), gauge.value());
                metrics.add(Map.of("Name", reported.name(), "Unit", reported.unit()));
            }
        }
        String environment = settings.environment() == null ? "default" : settings.environment();
        line.put("Environment", environment);
        line.put(
                "_aws",
                Map.of(
                        "Timestamp",
                        clock.millis(),
                        "CloudWatchMetrics",
                        List.of(Map.of(
                                "Namespace",
                                settings.namespace(),
                                "Dimensions",
                                List.of(List.of("Environment")),
                                "Metrics",
                                metrics))));
        // One line per report, nothing else on it: CloudWatch reads a log event as a whole JSON document.
        out.println(json.writeValueAsString(line));
    }
}
