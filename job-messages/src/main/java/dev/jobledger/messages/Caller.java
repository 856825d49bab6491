package dev.jobledger.messages;

import java.util.Objects;
import java.util.Set;

/**
 * Who calls the ledger's API, as their verified token says. The one place that says what its permissions make of a
 * caller: the actor recorded on the events its commands cause, and the viewer its queries are answered for. The
 * service's controllers receive it as a parameter, resolved from the authenticated token.
 *
 * @param subject the token's subject: a user id, or the worker bridge's client id
 * @param permissions what the token grants (its {@code permissions} claim)
 */
public record Caller(String subject, Set<String> permissions) {

    /** The permission to see and act on every job, not only one's own. */
    public static final String ADMIN = "job:Admin";

    public Caller {
        Objects.requireNonNull(subject, "subject");
        permissions = Set.copyOf(permissions);
    }

    public boolean isAdmin() {
        return permissions.contains(ADMIN);
    }

    /** As the asker of a query: admins see every job, users their own. */
    public Viewer viewer() {
        return new Viewer(subject, isAdmin());
    }

    /** As the party recorded on a command's events: an admin acts on every job, a user on their own. */
    public Actor actor() {
        return isAdmin() ? Actor.admin(subject) : Actor.user(subject);
    }

    /** As the worker bridge reporting on a delivery of a job's message. */
    public Actor reporting(Delivery delivery) {
        return Actor.bridge(subject, delivery.messageId(), delivery.requestId());
    }
}
