package dev.jobledger.command.dispatch;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the dispatcher sends due job attempts to the queue and watches the dead-letter queue. How often it looks is
 * read by the schedules themselves ({@code jobledger.dispatch.poll-interval}, 250 ms, and
 * {@code jobledger.dispatch.dead-letter-poll-interval}, 2 s; see {@link DispatchSender} and
 * {@link DeadLetterWatcher}).
 *
 * @param enabled whether this instance sends and watches at all
 * @param batchSize attempts claimed per round, sent in SendMessageBatch calls of at most ten
 * @param claimTimeout how long a sender owns the attempts it picked; a sender that died leaves them to others then
 * @param concurrentSends SendMessageBatch calls of a round in flight at once (the default sends a whole round of 50)
 */
@ConfigurationProperties("jobledger.dispatch")
record DispatchSettings(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("50") int batchSize,
        @DefaultValue("30s") Duration claimTimeout,
        @DefaultValue("5") int concurrentSends) {

    DispatchSettings {
        if (concurrentSends < 1) {
            throw new IllegalArgumentException(
                    "jobledger.dispatch.concurrent-sends must be at least 1, not " + concurrentSends);
        }
    }
}
