package dev.jobledger.command.job;

import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.ScopeDescriptor;
import org.axonframework.modelling.command.Aggregate;
import org.axonframework.modelling.command.Repository;

/** A repository made on first use, for a repository bean that needs Axon's configuration (see {@link JobCache}). */
final class LazyRepository<T> implements Repository<T> {

    private final Supplier<Repository<T>> factory;
    private volatile Repository<T> repository;

    LazyRepository(Supplier<Repository<T>> factory) {
        this.factory = factory;
    }

    private Repository<T> repository() {
        Repository<T> made = repository;
        if (made == null) {
            synchronized (this) {
                made = repository;
                if (made == null) {
                    made = factory.get();
                    repository = made;
                }
            }
        }
        return made;
    }

    @Override
    public Aggregate<T> load(String aggregateIdentifier) {
        return repository().load(aggregateIdentifier);
    }

    @Override
    public Aggregate<T> load(String aggregateIdentifier, Long expectedVersion) {
        return repository().load(aggregateIdentifier, expectedVersion);
    }

    @Override
    public Aggregate<T> newInstance(Callable<T> factoryMethod) throws Exception {
        return repository().newInstance(factoryMethod);
    }

    @Override
    public Aggregate<T> newInstance(Callable<T> factoryMethod, Consumer<Aggregate<T>> initMethod) throws Exception {
        return repository().newInstance(factoryMethod, initMethod);
    }

    @Override
    public Aggregate<T> loadOrCreate(String aggregateIdentifier, Callable<T> factoryMethod) throws Exception {
        return repository().loadOrCreate(aggregateIdentifier, factoryMethod);
    }

    @Override
    public void send(Message<?> message, ScopeDescriptor scopeDescription) throws Exception {
        repository().send(message, scopeDescription);
    }

    @Override
    public boolean canResolve(ScopeDescriptor scopeDescription) {
        return repository().canResolve(scopeDescription);
    }
}
