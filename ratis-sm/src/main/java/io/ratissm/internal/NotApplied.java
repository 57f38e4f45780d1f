package io.ratissm.internal;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a fail-stopped replica answers for a committed entry it does not apply, as the "retry" outcome of the entry:
 * the command is in the log at an index, its outcome unknown (another replica may have applied it, and a restart with
 * a fixed state machine applies it), and the client asks again under the same sequence number, which the group
 * applies at most once. An answer, not a failure, so that Ratis counts the entry as applied and the reads waiting for
 * it get to the state machine, which refuses them with the reason.
 */
public final class NotApplied {
    private static final String AT = "is in the log at index ";
    private static final Pattern INDEX = Pattern.compile(Pattern.quote(AT) + "(\\d+)");

    private NotApplied() {}

    /** Why {@code replica} did not apply the entry at {@code index}: {@code failure}, its fail-stop reason. */
    public static String message(String replica, long index, String failure) {
        return replica + ": the command " + AT + index + " but this replica did not apply it: " + failure;
    }

    /** The log index a message of {@link #message} names, if it is one. */
    public static OptionalLong index(String message) {
        Matcher m = INDEX.matcher(String.valueOf(message));
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }
}
