package dev.jobledger.command.job;

import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.messaging.unitofwork.RollbackConfigurationType;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;

/**
 * A job's refusals are its answers, not failures. A job decides before it applies anything (its command handlers
 * check, then apply; its event sourcing handlers only assign), so a refused command has nothing to undo: its unit of
 * work ends without rolling back the transaction it shares with the other commands of a batch
 * ({@link BatchedCommands}). Everything else still rolls back, as by Axon's default.
 */
@Configuration(proxyBeanMethods = false)
class JobDecisions {

    static boolean isDecision(Throwable failure) {
        return failure instanceof JobTransitionRefused
                || failure instanceof JobNotFound
                || failure instanceof IdempotencyKeyReused
                || failure instanceof AggregateNotFoundException;
    }

    @Autowired
    void refusalsDoNotRollBack(SimpleCommandBus commandBus) {
        commandBus.setRollbackConfiguration(
                failure -> !isDecision(failure) && RollbackConfigurationType.UNCHECKED_EXCEPTIONS.rollBackOn(failure));
    }
}
