package dev.jobledger.query.job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.deadletter.DeadLetter;
import org.axonframework.messaging.deadletter.SequencedDeadLetterQueue;
import org.axonframework.springboot.EventProcessorProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Component;

/**
 * The events the read models failed on, parked with the later events of their job so that every other job's rows
 * stay current (Axon's sequenced dead-letter queue, enabled per processor in application.yml). An admin sees them,
 * and retries them once the cause is fixed; a rebuild of the read models empties the queues, as it replays every
 * event anyway.
 */
@Component
public class ReadModelDeadLetters {

    private final EventProcessingConfiguration processing;

    ReadModelDeadLetters(EventProcessingConfiguration processing) {
        this.processing = processing;
    }

    @Configuration(proxyBeanMethods = false)
    static class ClearedByARebuild {

        /**
         * One configuration per processing group is kept (a later registration replaces an earlier one), so this one
         * also applies the sequence cache that application.yml asks for: without it every event handled costs a
         * query on the dead-letter table, the largest wait of a rebuild.
         */
        @Autowired
        void allowReset(EventProcessingConfigurer configurer, EventProcessorProperties properties) {
            for (String group : ReadModelRebuild.PROCESSORS) {
                EventProcessorProperties.Dlq dlq = properties
                        .getProcessors()
                        .getOrDefault(group, new EventProcessorProperties.ProcessorSettings())
                        .getDlq();
                configurer.registerDeadLetteringEventHandlerInvokerConfiguration(group, (configuration, invoker) -> {
                    invoker.allowReset(true);
                    if (dlq.getCache().isEnabled()) {
                        invoker.enableSequenceIdentifierCache()
                                .sequenceIdentifierCacheSize(dlq.getCache().getSize());
                    }
                    return invoker;
                });
            }
        }
    }

    /**
     * One parked event.
     *
     * @param eventType the event's class name
     * @param eventId the event's identifier in the event store
     * @param enqueuedAt when it was parked
     * @param cause the failure's type and message, for the first of a sequence
     */
    public record Letter(String eventType, String eventId, Instant enqueuedAt, String cause) {}

    /**
     * The parked events of one job in one read model, in their order.
     *
     * @param processingGroup the read model's processor
     * @param jobId the job
     * @param letters its parked events, oldest first
     */
    public record Sequence(String processingGroup, String jobId, List<Letter> letters) {}

    /**
     * The retry of one processor's dead letters.
     *
     * @param processingGroup the read model's processor
     * @param retried job sequences whose events were all handled this time
     * @param remaining job sequences still parked (they failed again)
     */
    public record Retry(String processingGroup, int retried, long remaining) {}

    /** Every parked sequence, at most {@code limit}, read model by read model. */
    public List<Sequence> list(int limit) {
        List<Sequence> sequences = new ArrayList<>();
        for (String group : ReadModelRebuild.PROCESSORS) {
            SequencedDeadLetterQueue<EventMessage<?>> queue = queue(group);
            if (queue == null) {
                continue;
            }
            for (Iterable<DeadLetter<? extends EventMessage<?>>> sequence : queue.deadLetters()) {
                if (sequences.size() >= limit) {
                    return sequences;
                }
                List<Letter> letters = new ArrayList<>();
                String jobId = null;
                for (DeadLetter<? extends EventMessage<?>> letter : sequence) {
                    EventMessage<?> event = letter.message();
                    if (jobId == null && event instanceof DomainEventMessage<?> domain) {
                        jobId = domain.getAggregateIdentifier();
                    }
                    letters.add(new Letter(
                            event.getPayloadType().getSimpleName(),
                            event.getIdentifier(),
                            letter.enqueuedAt(),
                            letter.cause()
                                    .map(cause -> cause.type() + ": " + cause.message())
                                    .orElse(null)));
                }
                sequences.add(new Sequence(group, jobId, letters));
            }
        }
        return sequences;
    }

    /** Retries every parked sequence of every read model once; a sequence that fails again stays parked. */
    public List<Retry> retryAll() {
        List<Retry> retries = new ArrayList<>();
        for (String group : ReadModelRebuild.PROCESSORS) {
            SequencedDeadLetterQueue<EventMessage<?>> queue = queue(group);
            var processor = processing.sequencedDeadLetterProcessor(group);
            if (queue == null || processor.isEmpty()) {
                continue;
            }
            long sequences = queue.amountOfSequences();
            int retried = 0;
            // Each call takes the oldest sequence nobody is processing; one that fails again is requeued with a later
            // touch, so bounding the calls by the count visits each sequence once.
            for (long i = 0; i < sequences; i++) {
                if (processor.get().processAny()) {
                    retried++;
                }
            }
            retries.add(new Retry(group, retried, queue.amountOfSequences()));
        }
        return retries;
    }

    private SequencedDeadLetterQueue<EventMessage<?>> queue(String group) {
        return processing.deadLetterQueue(group).orElse(null);
    }
}
