package dev.jobledger.command.job;

import dev.jobledger.messages.JobCommand;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.modelling.command.CommandTargetResolver;
import org.axonframework.modelling.command.VersionedAggregateIdentifier;
import org.springframework.stereotype.Component;

/**
 * Routes every {@link JobCommand} by its job id, so that the message contract needs no framework annotations.
 */
@Component(JobCommandRouting.BEAN_NAME)
class JobCommandRouting implements CommandTargetResolver {

    static final String BEAN_NAME = "jobCommandRouting";

    @Override
    public VersionedAggregateIdentifier resolveTarget(CommandMessage<?> command) {
        if (command.getPayload() instanceof JobCommand jobCommand) {
            return new VersionedAggregateIdentifier(jobCommand.jobId().toString(), null);
        }
        throw new IllegalArgumentException(
                "Not a job command: " + command.getPayloadType().getName());
    }
}
