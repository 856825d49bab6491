package dev.jobledger.query.metrics;

import org.axonframework.eventhandling.EventBus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class JobMetricsConfiguration {

    /**
     * The meters count what this instance stores from now on, in the storing command's thread: a subscriber of the
     * bus has no token, so it neither reads the stored history on a first start nor replays it on a rebuild.
     */
    @Autowired
    void metricsFollowTheCommands(EventBus events, JobMetrics metrics) {
        events.subscribe(metrics::stored);
    }
}
