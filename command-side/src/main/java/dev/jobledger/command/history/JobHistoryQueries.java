package dev.jobledger.command.history;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobledger.command.job.JobReplay;
import dev.jobledger.messages.Actor;
import dev.jobledger.messages.FindJobAsOf;
import dev.jobledger.messages.FindJobHistory;
import dev.jobledger.messages.JobEvent;
import dev.jobledger.messages.JobHistoryEvent;
import dev.jobledger.messages.JobHistoryPage;
import dev.jobledger.messages.JobHistoryVerification;
import dev.jobledger.messages.JobSubmitted;
import dev.jobledger.messages.JobView;
import dev.jobledger.messages.VerifyJobHistory;
import dev.jobledger.messages.Viewer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.stereotype.Component;

/**
 * Answers from the event store itself, the system of record: a job's events, its state at an instant, and whether its
 * hash chain is intact. Reads the store directly (never snapshots, which only know the latest state) and lazily, in
 * the storage engine's batches, so a long history is never loaded whole.
 */
@Component
class JobHistoryQueries {

    private static final TypeReference<Map<String, Object>> FACTS = new TypeReference<>() {};

    private final EventStorageEngine store;
    private final JobHistoryChain chain;
    private final ObjectMapper json;

    JobHistoryQueries(EventStorageEngine store, JobHistoryChain chain, ObjectMapper json) {
        this.store = store;
        this.json = json;
        this.chain = chain;
    }

    @QueryHandler
    Optional<JobHistoryPage> find(FindJobHistory query) {
        if (!visible(query.jobId(), query.viewer())) {
            return Optional.empty();
        }
        long skip = (long) (query.page() - 1) * query.pageSize();
        boolean filtered = query.from() != null || query.to() != null;
        // Without a time filter the page starts at its own sequence number; with one, matching events are counted.
        Stream<? extends DomainEventMessage<?>> events = events(query.jobId(), filtered ? 0 : skip);
        if (query.from() != null) {
            events = events.dropWhile(event -> event.getTimestamp().isBefore(query.from()));
        }
        if (query.to() != null) {
            events = events.takeWhile(event -> !event.getTimestamp().isAfter(query.to()));
        }
        List<? extends DomainEventMessage<?>> page =
                events.skip(filtered ? skip : 0).limit(query.pageSize() + 1L).toList();
        boolean hasMore = page.size() > query.pageSize();
        List<? extends DomainEventMessage<?>> shown = hasMore ? page.subList(0, query.pageSize()) : page;
        Map<Long, String> hashes = shown.isEmpty()
                ? Map.of()
                : chain.hashes(
                        query.jobId(),
                        shown.get(0).getSequenceNumber(),
                        shown.get(shown.size() - 1).getSequenceNumber());
        List<JobHistoryEvent> items = shown.stream()
                .map(event -> entry(event, hashes.get(event.getSequenceNumber())))
                .toList();
        return Optional.of(new JobHistoryPage(query.jobId(), items, query.page(), query.pageSize(), hasMore));
    }

    @QueryHandler
    Optional<JobView> find(FindJobAsOf query) {
        return JobReplay.replay(events(query.jobId(), 0)
                        .takeWhile(event -> !event.getTimestamp().isAfter(query.asOf()))
                        .iterator())
                .filter(job -> query.viewer().maySee(job.userId()));
    }

    @QueryHandler
    Optional<JobHistoryVerification> verify(VerifyJobHistory query) {
        if (!visible(query.jobId(), query.viewer())) {
            return Optional.empty();
        }
        return Optional.of(chain.verify(query.jobId()));
    }

    private boolean visible(UUID jobId, Viewer viewer) {
        return events(jobId, 0)
                .limit(1)
                .map(DomainEventMessage::getPayload)
                .filter(JobSubmitted.class::isInstance)
                .map(submitted -> ((JobSubmitted) submitted).userId())
                .anyMatch(viewer::maySee);
    }

    private Stream<? extends DomainEventMessage<?>> events(UUID jobId, long firstSequence) {
        return store.readEvents(jobId.toString(), firstSequence).asStream();
    }

    private JobHistoryEvent entry(DomainEventMessage<?> event, String hash) {
        Object payload = event.getPayload();
        Map<String, Object> facts = json.convertValue(payload, FACTS);
        facts.remove("jobId");
        facts.remove("actor");
        Actor actor = payload instanceof JobEvent jobEvent ? jobEvent.actor() : null;
        return new JobHistoryEvent(
                event.getSequenceNumber(),
                event.getIdentifier(),
                event.getPayloadType().getSimpleName(),
                event.getTimestamp(),
                actor,
                facts,
                hash);
    }
}
