package dev.jobledger.app.axon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobledger.testing.LedgerIntegrationTest;
import java.util.List;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The service's processors are configured by name in application.yml; a processor added there reads as the others. */
class ProcessorsReadingFillingBatchesTest extends LedgerIntegrationTest {

    @Autowired
    private EventProcessingConfiguration processing;

    @Test
    void everyEventProcessorReadsTheStoreThroughBatchesThatFillUnderLoad() {
        List<String> processors =
                processing.eventProcessors().keySet().stream().sorted().toList();

        assertThat(processors).containsExactly("job-log-view", "job-view", "sqs-dispatch");
        assertThat(processors)
                .allSatisfy(name -> assertThat(processing
                                .eventProcessor(name, TrackingEventProcessor.class)
                                .orElseThrow()
                                .getMessageSource())
                        .isInstanceOf(FillingBatches.class));
    }
}
