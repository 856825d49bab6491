package dev.jobledger.lambda;

import dev.jobledger.lambda.spi.JobHandler;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Finds the handler for a job type. Handlers come from {@link ServiceLoader} ({@code
 * META-INF/services/dev.jobledger.lambda.spi.JobHandler}) and from explicit registration; two handlers for one type
 * are refused, whichever way they came.
 */
public final class HandlerRegistry {

    /** Two handlers claim one job type. */
    public static final class DuplicateJobType extends IllegalStateException {

        DuplicateJobType(String jobType, JobHandler existing, JobHandler added) {
            super("two handlers for jobType '" + jobType + "': "
                    + existing.getClass().getName() + " and " + added.getClass().getName());
        }
    }

    private final Map<String, JobHandler> handlers = new TreeMap<>();

    /** An empty registry. */
    public HandlerRegistry() {}

    /** The handlers found by {@link ServiceLoader} on the class path of this class (the built-in ones included). */
    public static HandlerRegistry fromServiceLoader() {
        return fromServiceLoader(HandlerRegistry.class.getClassLoader());
    }

    public static HandlerRegistry fromServiceLoader(ClassLoader loader) {
        HandlerRegistry registry = new HandlerRegistry();
        for (JobHandler handler : ServiceLoader.load(JobHandler.class, loader)) {
            registry.register(handler);
        }
        return registry;
    }

    /**
     * Adds a handler.
     *
     * @throws DuplicateJobType when a handler for its type is registered already
     * @throws IllegalArgumentException when its type is blank
     */
    public synchronized HandlerRegistry register(JobHandler handler) {
        Objects.requireNonNull(handler, "handler");
        String jobType = handler.jobType();
        if (jobType == null || jobType.isBlank()) {
            throw new IllegalArgumentException(handler.getClass().getName() + " has no jobType");
        }
        JobHandler existing = handlers.get(jobType);
        if (existing != null) {
            throw new DuplicateJobType(jobType, existing, handler);
        }
        handlers.put(jobType, handler);
        return this;
    }

    public synchronized Optional<JobHandler> find(String jobType) {
        return Optional.ofNullable(jobType == null ? null : handlers.get(jobType));
    }

    public synchronized Collection<String> jobTypes() {
        return java.util.List.copyOf(handlers.keySet());
    }
}
