package io.ratissm.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The leader refused a batch of commands as a whole because its log entry would be larger than the largest entry
 * the group's Raft log accepts; nothing of it was applied. The client splits the batch and sends the parts (a
 * batch of one command fails with {@code CommandTooLarge}).
 *
 * <p>Ratis rebuilds it on the client from its class name and message only, so the message carries the limit and
 * the String constructor reads it back.
 */
public final class BatchTooLargeException extends Exception {
    private static final long serialVersionUID = 1L;
    private static final Pattern LIMIT = Pattern.compile("more than the (\\d+) bytes a log entry may hold");

    /** The largest log entry, in bytes, as the leader stated it; -1 if the message does not say. */
    private final long maxEntryBytes;

    public BatchTooLargeException(long entryBytes, int commands, long maxEntryBytes) {
        this("the log entry for a batch of " + commands + " commands has " + entryBytes + " bytes, more than the "
                + maxEntryBytes + " bytes a log entry may hold; nothing of it was applied");
    }

    /** As Ratis rebuilds it on the client. */
    public BatchTooLargeException(String message) {
        super(message, null, false, false);
        Matcher m = message == null ? null : LIMIT.matcher(message);
        this.maxEntryBytes = m != null && m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    public long maxEntryBytes() {
        return maxEntryBytes;
    }
}
