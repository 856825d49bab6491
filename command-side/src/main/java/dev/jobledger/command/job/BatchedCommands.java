package dev.jobledger.command.job;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.CommandResultMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.callbacks.FutureCallback;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Decides several job commands in one unit of work and one database transaction: the batched worker calls, a batch
 * of dispatch records, submissions that arrive together. Each command is still decided on its own by its job, in
 * order, and answered on its own; what they share is one transaction, one append of all their events and one commit,
 * which is most of what a short command costs.
 *
 * <p>A refusal ({@link JobDecisions}) is an answer and does not disturb the others. Anything else (a storage failure,
 * a lost race with another writer of the same job at the shared append) undoes the whole batch, and each command is
 * then sent again on its own, through the gateway and its retries: nothing is recorded twice, because the batch's
 * events were never committed, and each job decides anew on what is stored.
 */
@Component
public class BatchedCommands {

    private static final Logger log = LoggerFactory.getLogger(BatchedCommands.class);

    /** At most this many waiting commands join one transaction, so that none waits behind an unbounded batch. */
    private static final int MAX_GROUP = 64;

    private final CommandBus commandBus;
    private final CommandGateway gateway;
    private final TransactionManager transactions;
    private final FirstSubmissions firstSubmissions;
    private final ConcurrentLinkedQueue<Waiting> waiting = new ConcurrentLinkedQueue<>();
    private final ReentrantLock committing = new ReentrantLock();

    BatchedCommands(
            CommandBus commandBus,
            CommandGateway gateway,
            TransactionManager transactions,
            FirstSubmissions firstSubmissions) {
        this.commandBus = commandBus;
        this.gateway = gateway;
        this.transactions = transactions;
        this.firstSubmissions = firstSubmissions;
    }

    /** A command's answer: its result, or the refusal that is its answer. */
    public record Outcome<R>(R result, RuntimeException refusal) {

        public boolean refused() {
            return refusal != null;
        }
    }

    /**
     * Sends one command in a group commit with whatever other callers send at the same moment (submissions from
     * concurrent requests): the caller that takes the commit lock decides every command waiting then, in one
     * transaction, while the next ones gather. Alone, a command is decided at once, as by the gateway. Answers and
     * refusals are the command's own, as if it had been sent alone.
     */
    @SuppressWarnings("unchecked")
    public <R> R send(Object command) {
        Waiting mine = new Waiting(command);
        waiting.add(mine);
        committing.lock();
        try {
            while (!mine.answered) {
                List<Waiting> group = new ArrayList<>();
                for (Waiting next; group.size() < MAX_GROUP && (next = waiting.poll()) != null; ) {
                    group.add(next);
                }
                try {
                    decideGroup(group);
                } finally {
                    for (Waiting member : group) {
                        if (!member.answered) {
                            member.failure =
                                    new IllegalStateException("The command's group failed before it was decided");
                            member.answered = true;
                        }
                    }
                }
            }
        } finally {
            committing.unlock();
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        return (R) mine.result;
    }

    /** A command sent with {@link #send}, and once its group is decided, its answer. Guarded by the commit lock. */
    private static final class Waiting {
        final Object command;
        boolean answered;
        Object result;
        RuntimeException failure;

        Waiting(Object command) {
            this.command = command;
        }
    }

    private void decideGroup(List<Waiting> group) {
        List<Object> commands = new ArrayList<>(group.size());
        group.forEach(member -> commands.add(member.command));
        if (group.size() > 1) {
            try {
                List<Outcome<Object>> outcomes = together(commands);
                for (int index = 0; index < group.size(); index++) {
                    group.get(index).result = outcomes.get(index).result();
                    group.get(index).failure = outcomes.get(index).refusal();
                    group.get(index).answered = true;
                }
                return;
            } catch (RuntimeException undone) {
                log.debug("A group of {} commands was undone and is sent one by one", group.size(), undone);
            }
        }
        for (Waiting member : group) {
            try {
                member.result = viaGateway(member.command);
            } catch (RuntimeException e) {
                member.failure = e;
            }
            member.answered = true;
        }
    }

    /** The outcomes in the order of the commands. Failures that are not decisions propagate. */
    public <R> List<Outcome<R>> sendAll(List<?> commands) {
        if (commands.size() > 1) {
            try {
                return together(commands);
            } catch (RuntimeException undone) {
                log.debug("A batch of {} commands was undone and is sent one by one", commands.size(), undone);
            }
        }
        List<Outcome<R>> outcomes = new ArrayList<>(commands.size());
        for (Object command : commands) {
            outcomes.add(alone(command));
        }
        return outcomes;
    }

    private <R> Outcome<R> alone(Object command) {
        try {
            return new Outcome<>(viaGateway(command), null);
        } catch (RuntimeException e) {
            if (JobDecisions.isDecision(e)) {
                return new Outcome<>(null, e);
            }
            throw e;
        }
    }

    /**
     * One command through the gateway, which sends it again when it lost a race for a version of its job. A keyed
     * submission of an id no job has yet goes as a creation ({@link FirstSubmissions}). A creation race (two
     * submissions with one idempotency key) surfaces as another exception: sent again as it was, the loser is decided
     * on the winner's job, and answers it.
     */
    private <R> R viaGateway(Object command) {
        try {
            return gateway.sendAndWait(
                    firstSubmissions.withoutReads(List.of(command)).get(0));
        } catch (AggregateStreamCreationException lostCreationRace) {
            return gateway.sendAndWait(command);
        }
    }

    private <R> List<Outcome<R>> together(List<?> commands) {
        List<Outcome<R>> outcomes = new ArrayList<>(commands.size());
        UnitOfWork<?> batch = DefaultUnitOfWork.startAndGet(null);
        try {
            batch.attachTransaction(transactions);
            batch.resources().put(JobCache.BATCH, Boolean.TRUE);
            // Undone, the batch's commands are sent again one by one as they came, not as sent here.
            for (Object command : firstSubmissions.withoutReads(commands)) {
                // Dispatched on the bus, not the gateway: a command is handled in a unit of work nested in the batch,
                // and the gateway's retry of a lost race would run on another thread, outside it.
                FutureCallback<Object, R> answer = new FutureCallback<>();
                commandBus.dispatch(GenericCommandMessage.asCommandMessage(command), answer);
                CommandResultMessage<? extends R> result = answer.getResult();
                if (!result.isExceptional()) {
                    outcomes.add(new Outcome<>(result.getPayload(), null));
                } else if (result.exceptionResult() instanceof RuntimeException refusal
                        && JobDecisions.isDecision(refusal)) {
                    outcomes.add(new Outcome<>(null, refusal));
                } else {
                    throw new IllegalStateException("A batched command failed", result.exceptionResult());
                }
            }
        } catch (RuntimeException | Error e) {
            batch.rollback(e);
            throw e;
        }
        batch.commit();
        return outcomes;
    }
}
