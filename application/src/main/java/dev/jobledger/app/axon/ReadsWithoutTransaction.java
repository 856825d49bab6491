package dev.jobledger.app.axon;

import java.util.function.Supplier;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.common.transaction.TransactionManager;

/**
 * The storage engine's transactions: its writes (events, snapshots) in a transaction as before, its reads as single
 * statements. Each of Axon's reads is one query (the shared reader's next events, an aggregate's events, a token's
 * position), so a transaction around it only added a begin and a commit: under load the shared reader, which asks
 * for the newest events every few milliseconds, spent a fifth of its time on them (docs/benchmarks.md, thirteenth
 * round). A read inside a command's or a processor's transaction still joins it: the connection is the transaction's.
 */
final class ReadsWithoutTransaction implements TransactionManager {

    private final TransactionManager transactions;

    ReadsWithoutTransaction(TransactionManager transactions) {
        this.transactions = transactions;
    }

    @Override
    public Transaction startTransaction() {
        return transactions.startTransaction();
    }

    @Override
    public <T> T fetchInTransaction(Supplier<T> read) {
        return read.get();
    }
}
