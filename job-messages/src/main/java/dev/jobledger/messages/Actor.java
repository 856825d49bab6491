package dev.jobledger.messages;

import java.util.Objects;

/**
 * Who caused a command, recorded on every event it produces.
 *
 * @param kind the kind of party
 * @param subject the token subject of the user, admin or bridge client; the component name for {@link ActorKind#SYSTEM}
 * @param messageId the SQS message id of the delivery that caused a bridge command, else {@code null}
 * @param requestId the Lambda request id of the invocation that caused a bridge command, else {@code null}
 */
public record Actor(ActorKind kind, String subject, String messageId, String requestId) {

    public Actor {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
    }

    public static Actor user(String subject) {
        return new Actor(ActorKind.USER, subject, null, null);
    }

    public static Actor admin(String subject) {
        return new Actor(ActorKind.ADMIN, subject, null, null);
    }

    public static Actor bridge(String subject, String messageId, String requestId) {
        return new Actor(ActorKind.BRIDGE, subject, messageId, requestId);
    }

    public static Actor system(String component) {
        return new Actor(ActorKind.SYSTEM, component, null, null);
    }

    /** Whether this actor may act on a job owned by {@code ownerId}. Users act on their own jobs only. */
    public boolean mayActOnJobOf(String ownerId) {
        return kind != ActorKind.USER || subject.equals(ownerId);
    }
}
