package dev.jobledger.command.stalled;

import dev.jobledger.command.web.AttemptSettings;
import dev.jobledger.messages.Actor;
import dev.jobledger.messages.FindStalledJobs;
import dev.jobledger.messages.RecoverStalledJob;
import dev.jobledger.messages.StalledJobs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Finds jobs that nothing will move on any more and sends their message again. The queue is the only thing that
 * carries a dispatched attempt to a worker: when its message is gone (a purged queue, a restarted local queue, a
 * message past its retention) a pending job would wait for ever, and a running job whose worker died would stay
 * running. Each candidate is asked to its job, which decides on its own state (several instances may watch at once);
 * a message that was only slow still arrives, and the second delivery is skipped.
 */
@Component
class StalledJobWatcher {

    private static final Logger log = LoggerFactory.getLogger(StalledJobWatcher.class);
    static final Actor WATCHER = Actor.system("stalled-job-watcher");

    /**
     * @param enabled whether the watcher runs on its own (an admin can always ask for a check)
     * @param quietFor how long a dispatched attempt may wait unstarted before its message is sent again. Each resend
     *     of the same attempt waits twice as long as the one before, so that a long backlog in the queue is not
     *     multiplied; a running attempt is abandoned after its lease and this long
     * @param checkInterval how often the watcher looks
     * @param limit candidates looked at per check, oldest first
     */
    @ConfigurationProperties("jobledger.stalled-jobs")
    record Settings(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("15m") Duration quietFor,
            @DefaultValue("1m") Duration checkInterval,
            @DefaultValue("1000") int limit) {}

    private final Settings settings;
    private final AttemptSettings attempts;
    private final QueryGateway queries;
    private final CommandGateway commands;
    private final Clock clock;

    StalledJobWatcher(
            Settings settings, AttemptSettings attempts, QueryGateway queries, CommandGateway commands, Clock clock) {
        this.settings = settings;
        this.attempts = attempts;
        this.queries = queries;
        this.commands = commands;
        this.clock = clock;
    }

    @Scheduled(
            initialDelayString = "${jobledger.stalled-jobs.check-interval:1m}",
            fixedDelayString = "${jobledger.stalled-jobs.check-interval:1m}")
    void check() {
        if (!settings.enabled()) {
            return;
        }
        try {
            List<UUID> recovered = recover(settings.quietFor(), WATCHER);
            if (!recovered.isEmpty()) {
                log.warn("Recovered {} stalled jobs: {}", recovered.size(), recovered);
            }
        } catch (RuntimeException e) {
            log.warn("Could not check for stalled jobs; next check in {}: {}", settings.checkInterval(), e.toString());
        }
    }

    /** Asks every candidate's job whether it is stalled; answers the jobs that were recovered. */
    List<UUID> recover(Duration quietFor, Actor actor) {
        Instant now = clock.instant();
        List<UUID> candidates = queries.query(
                        new FindStalledJobs(
                                now.minus(quietFor), now.minus(quietFor).minus(attempts.lease()), settings.limit()),
                        ResponseTypes.instanceOf(StalledJobs.class))
                .join()
                .jobIds();
        List<UUID> recovered = new ArrayList<>();
        for (UUID jobId : candidates) {
            try {
                Boolean acted =
                        commands.sendAndWait(new RecoverStalledJob(jobId, now, quietFor, attempts.lease(), actor));
                if (Boolean.TRUE.equals(acted)) {
                    recovered.add(jobId);
                }
            } catch (RuntimeException e) {
                log.warn("Could not recover job {}; asked again at the next check: {}", jobId, e.toString());
            }
        }
        return recovered;
    }
}
