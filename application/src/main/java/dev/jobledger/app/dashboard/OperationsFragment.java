package dev.jobledger.app.dashboard;

import dev.jobledger.messages.DeadLetteredJobs;
import dev.jobledger.messages.FindDeadLetteredJobs;
import dev.jobledger.messages.FindJob;
import dev.jobledger.messages.JobView;
import dev.jobledger.messages.Viewer;
import dev.jobledger.query.job.ReadModelDeadLetters;
import dev.jobledger.query.job.ReadModelRebuild;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The operations panel (admins only, see the security configuration): dead-lettered jobs, the read models' dead
 * letters, processors, rebuild.
 */
// HTML for the dashboard, not part of the API: kept out of the OpenAPI description.
@Hidden
@Controller
class OperationsFragment {

    private static final int DEAD_LETTERS_SHOWN = 50;

    /**
     * @param name the processing group
     * @param running whether it runs on this instance
     * @param segments segments this instance holds
     * @param position the lowest global index its segments here have reached
     * @param lag events in the store it has not handled yet (0 when it holds no segment here)
     * @param replaying whether a segment is replaying
     * @param error whether a segment is in an error state (it retries with a growing backoff)
     */
    record Processor(
            String name, boolean running, int segments, long position, long lag, boolean replaying, boolean error) {}

    private final QueryGateway queries;
    private final EventProcessingConfiguration processing;
    private final EventStore store;
    private final ReadModelRebuild rebuild;
    private final ReadModelDeadLetters readModelDeadLetters;

    OperationsFragment(
            QueryGateway queries,
            EventProcessingConfiguration processing,
            EventStore store,
            ReadModelRebuild rebuild,
            ReadModelDeadLetters readModelDeadLetters) {
        this.queries = queries;
        this.processing = processing;
        this.store = store;
        this.rebuild = rebuild;
        this.readModelDeadLetters = readModelDeadLetters;
    }

    @GetMapping("/dashboard/fragments/operations")
    String operations(Authentication caller, Model model) {
        Viewer viewer = DashboardFragments.viewer(caller);
        List<UUID> deadIds = queries.query(
                        new FindDeadLetteredJobs(DEAD_LETTERS_SHOWN), ResponseTypes.instanceOf(DeadLetteredJobs.class))
                .join()
                .jobIds();
        List<JobView> dead = deadIds.stream()
                .map(id -> queries.query(new FindJob(id, viewer), ResponseTypes.optionalInstanceOf(JobView.class))
                        .join())
                .flatMap(Optional::stream)
                .toList();
        long head = position(store.createHeadToken());
        model.addAttribute("deadLettered", dead);
        model.addAttribute("head", head);
        model.addAttribute("processors", processors(head));
        model.addAttribute("rebuild", rebuild.progress());
        model.addAttribute("readModelDeadLetters", readModelDeadLetters.list(DEAD_LETTERS_SHOWN));
        return "dashboard/fragments :: operations";
    }

    private List<Processor> processors(long head) {
        return processing.eventProcessors().values().stream()
                .filter(StreamingEventProcessor.class::isInstance)
                .map(StreamingEventProcessor.class::cast)
                .map(processor -> {
                    var status = processor.processingStatus().values();
                    long position = status.stream()
                            .mapToLong(segment -> segment.getCurrentPosition().orElse(0))
                            .min()
                            .orElse(0);
                    return new Processor(
                            processor.getName(),
                            processor.isRunning(),
                            status.size(),
                            position,
                            status.isEmpty() ? 0 : Math.max(0, head - position),
                            status.stream().anyMatch(segment -> segment.isReplaying()),
                            status.stream().anyMatch(segment -> segment.isErrorState()));
                })
                .sorted(Comparator.comparing(Processor::name))
                .toList();
    }

    private static long position(TrackingToken token) {
        return token == null ? 0 : token.position().orElse(0);
    }
}
