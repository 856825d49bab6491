package dev.jobledger.command.web;

import dev.jobledger.messages.Actor;
import org.springframework.security.core.Authentication;

/** Turns the authenticated caller into the actor recorded on the events it causes. */
final class Callers {

    static final String ADMIN = "job:Admin";

    private Callers() {}

    static Actor userOrAdmin(Authentication caller) {
        boolean admin = caller.getAuthorities().stream().anyMatch(granted -> ADMIN.equals(granted.getAuthority()));
        return admin ? Actor.admin(caller.getName()) : Actor.user(caller.getName());
    }
}
