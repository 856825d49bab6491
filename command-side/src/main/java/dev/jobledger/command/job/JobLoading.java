package dev.jobledger.command.job;

import org.axonframework.eventsourcing.AggregateFactory;
import org.axonframework.eventsourcing.GenericAggregateFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How a job is instantiated before its events are replayed. Axon's Spring default creates each instance as a prototype
 * bean, with the container's whole creation and post-processing path: a quarter of every command's aggregate load in a
 * profile of the pipeline benchmark. {@link Job} has no injected collaborators, so its no-argument constructor is
 * enough. Axon finds this bean by its name, the aggregate's bean name followed by {@code AggregateFactory}.
 */
@Configuration(proxyBeanMethods = false)
class JobLoading {

    @Bean("jobAggregateFactory")
    AggregateFactory<Job> jobAggregateFactory() {
        return new GenericAggregateFactory<>(Job.class);
    }
}
