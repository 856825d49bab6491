package dev.jobledger.query.metrics;

import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.messaging.StreamableMessageSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class JobMetricsConfiguration {

    /**
     * The meters count what happens from now on: a processor that started at the tail would count every stored
     * event as if it had just happened, on its first start after a deployment.
     */
    @Autowired
    void metricsStartAtTheHead(EventProcessingConfigurer processing) {
        processing.registerTrackingEventProcessor(
                JobMetrics.PROCESSING_GROUP,
                configuration -> configuration.eventStore(),
                configuration -> TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                        .andBatchSize(100)
                        .andInitialTrackingToken(StreamableMessageSource::createHeadToken));
    }
}
