package dev.jobledger.messages;

/**
 * Who asks a query. Users see their own jobs; admins see every job.
 *
 * @param userId the asking user's id
 * @param admin whether the user holds {@link Caller#ADMIN}
 */
public record Viewer(String userId, boolean admin) {

    public boolean maySee(String ownerId) {
        return admin || userId.equals(ownerId);
    }
}
