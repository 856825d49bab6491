package dev.jobledger.command.dispatch;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the dispatcher sends due job attempts to the queue and watches the dead-letter queue.
 *
 * @param enabled whether this instance sends and watches at all
 * @param pollInterval how often due attempts are looked for
 * @param batchSize attempts claimed per round, sent in SendMessageBatch calls of at most ten
 * @param claimTimeout how long a sender owns the attempts it picked; a sender that died leaves them to others then
 * @param deadLetterPollInterval how often the dead-letter queue is read
 */
@ConfigurationProperties("jobledger.dispatch")
record DispatchProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("250ms") Duration pollInterval,
        @DefaultValue("50") int batchSize,
        @DefaultValue("30s") Duration claimTimeout,
        @DefaultValue("2s") Duration deadLetterPollInterval) {}
