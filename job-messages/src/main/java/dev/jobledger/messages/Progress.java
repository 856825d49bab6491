package dev.jobledger.messages;

/**
 * How far a running attempt has come, in rows or whatever unit its handler counts.
 *
 * @param processed units handled so far, failed ones included
 * @param total units expected in all, or {@code null} when the handler cannot tell
 * @param failed units that failed validation or processing
 */
public record Progress(long processed, Long total, long failed) {

    public static final Progress NONE = new Progress(0, null, 0);
}
