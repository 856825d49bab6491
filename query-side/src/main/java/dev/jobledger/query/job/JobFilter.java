package dev.jobledger.query.job;

import dev.jobledger.messages.JobStatus;
import dev.jobledger.messages.Viewer;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

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
        List<Condition> conditions = conditions();
        StringBuilder text = new StringBuilder(select);
        String and = " where ";
        for (Condition condition : conditions) {
            text.append(and).append(condition.text());
            and = " and ";
        }
        TypedQuery<T> query = entities.createQuery(text.append(rest).toString(), type);
        conditions.forEach(condition -> query.setParameter(condition.parameter(), condition.value()));
        return query;
    }

    private List<Condition> conditions() {
        List<Condition> conditions = new ArrayList<>();
        Condition.add(conditions, "owner", "j.userId = :owner", owner);
        Condition.add(conditions, "jobType", "j.jobType = :jobType", jobType);
        Condition.add(conditions, "status", "j.status = :status", status);
        Condition.add(conditions, "createdFrom", "j.createdAt >= :createdFrom", createdFrom);
        Condition.add(conditions, "createdTo", "j.createdAt < :createdTo", createdTo);
        return conditions;
    }

    /** A condition on one parameter, there only when the parameter has a value. */
    private record Condition(String parameter, String text, Object value) {

        static void add(List<Condition> conditions, String parameter, String text, Object value) {
            if (value != null) {
                conditions.add(new Condition(parameter, text, value));
            }
        }
    }
}
