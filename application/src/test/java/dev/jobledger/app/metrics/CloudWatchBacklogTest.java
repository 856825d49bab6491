package dev.jobledger.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The outbox's backlog reaches CloudWatch as one embedded-metric-format line per report. */
class CloudWatchBacklogTest {

    @Test
    void theBacklogIsOneEmbeddedMetricLineWithItsNamespaceDimensionAndUnits() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Gauge.builder("jobledger.dispatch.outbox.due", () -> 3).register(registry);
        Gauge.builder("jobledger.dispatch.outbox.waiting", () -> 1).register(registry);
        Gauge.builder("jobledger.dispatch.outbox.oldest.due.age", () -> 42.5).register(registry);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Clock clock = Clock.fixed(Instant.parse("2026-12-01T08:00:00Z"), ZoneOffset.UTC);
        ObjectMapper json = new ObjectMapper();

        new CloudWatchBacklog(
                        registry,
                        new CloudWatchBacklog.Settings("JobLedger", "qa"),
                        clock,
                        json,
                        new PrintStream(out, true, StandardCharsets.UTF_8))
                .report();

        String written = out.toString(StandardCharsets.UTF_8);
        assertThat(written.lines()).hasSize(1);
        JsonNode line = json.readTree(written);
        assertThat(line.path("Environment").asText()).isEqualTo("qa");
        assertThat(line.path("OutboxDue").asDouble()).isEqualTo(3);
        assertThat(line.path("OutboxWaiting").asDouble()).isEqualTo(1);
        assertThat(line.path("OutboxOldestDueAgeSeconds").asDouble()).isEqualTo(42.5);
        assertThat(line.at("/_aws/Timestamp").asLong()).isEqualTo(clock.millis());
        JsonNode directive = line.at("/_aws/CloudWatchMetrics/0");
        assertThat(directive.path("Namespace").asText()).isEqualTo("JobLedger");
        assertThat(directive.at("/Dimensions/0/0").asText()).isEqualTo("Environment");
        assertThat(directive.path("Metrics").findValuesAsText("Name"))
                .containsExactly("OutboxDue", "OutboxWaiting", "OutboxOldestDueAgeSeconds");
        assertThat(directive.path("Metrics").findValuesAsText("Unit")).containsExactly("Count", "Count", "Seconds");
    }
}
