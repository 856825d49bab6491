package dev.jobledger.app.axon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.common.transaction.TransactionManager;
import org.junit.jupiter.api.Test;

/** The storage engine's reads are single statements; its writes keep their transaction. */
class ReadingEventsWithoutATransactionTest {

    private final List<String> happened = new ArrayList<>();
    private final TransactionManager transactions = new ReadsWithoutTransaction(() -> {
        happened.add("begin");
        return new Transaction() {
            @Override
            public void commit() {
                happened.add("commit");
            }

            @Override
            public void rollback() {
                happened.add("rollback");
            }
        };
    });

    @Test
    void aReadBeginsAndCommitsNothing() {
        assertThat(transactions.fetchInTransaction(() -> {
                    happened.add("read");
                    return 42;
                }))
                .isEqualTo(42);

        assertThat(happened).containsExactly("read");
    }

    @Test
    void aWriteRunsInATransactionThatCommits() {
        transactions.executeInTransaction(() -> happened.add("append"));

        assertThat(happened).containsExactly("begin", "append", "commit");
    }
}
