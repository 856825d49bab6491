package dev.jobledger.query.job;

import dev.jobledger.messages.JobStatus;
import dev.jobledger.messages.Viewer;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The jobs a list or a count covers, as a JPQL condition. Written as query text, not a criteria query: Hibernate
 * caches the translation of a query text (a few dozen texts here, one per combination of filters), while it
 * translates every criteria query again, which made each list call cost milliseconds of CPU for a page of one row.
 */
record JobFilter(String owner, String jobType, JobStatus status, Instant createdFrom, Instant createdTo) {

    /** What the viewer may see of what was asked: a user's own jobs, an admin's of the given owner or all. */
    static JobFilter of(
            Viewer viewer, String jobType, JobStatus status, String userId, Instant createdFrom, Instant createdTo) {
        return new JobFilter(viewer.admin() ? userId : viewer.userId(), jobType, status, createdFrom, createdTo);
    }

    <T> TypedQuery<T> query(EntityManager entities, String select, String rest, Class<T> type) {
        Map<String, Object> parameters = parameters();
        StringBuilder text = new StringBuilder(select);
        String and = " where ";
        for (String name : parameters.keySet()) {
            text.append(and).append(condition(name));
            and = " and ";
        }
        TypedQuery<T> query = entities.createQuery(text.append(rest).toString(), type);
        parameters.forEach(query::setParameter);
        return query;
    }

    private Map<String, Object> parameters() {
        Map<String, Object> parameters = new LinkedHashMap<>();
        put(parameters, "owner", owner);
        put(parameters, "jobType", jobType);
        put(parameters, "status", status);
        put(parameters, "createdFrom", createdFrom);
        put(parameters, "createdTo", createdTo);
        return parameters;
    }

    private static void put(Map<String, Object> parameters, String name, Object value) {
        if (value != null) {
            parameters.put(name, value);
        }
    }

    private static String condition(String parameter) {
        return switch (parameter) {
            case "owner" -> "j.userId = :owner";
            case "jobType" -> "j.jobType = :jobType";
            case "status" -> "j.status = :status";
            case "createdFrom" -> "j.createdAt >= :createdFrom";
            case "createdTo" -> "j.createdAt < :createdTo";
            default -> throw new IllegalArgumentException(parameter);
        };
    }
}
