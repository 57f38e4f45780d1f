package io.ratissm;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * A replica's configuration file is wrong; the message names the file, the line when there is one, and the key,
 * and says what would be right. Thrown by {@link ReplicaConfig#load} before anything is written anywhere.
 */
public final class InvalidConfigException extends RatisSmException {
    private static final long serialVersionUID = 1L;

    /** The kinds of mistake, each with its own exit code in the {@code server} command. */
    public enum Problem {
        /** The configuration file itself is missing or unreadable. */
        UNREADABLE_FILE,
        /** A line is not {@code key = value}, or a key is given twice. */
        SYNTAX,
        /** A key that does not exist (often a typo; the message suggests the nearest key). */
        UNKNOWN_KEY,
        /** A required key is absent. */
        MISSING_KEY,
        /** A value of the wrong form or out of range, or inconsistent with another key. */
        BAD_VALUE,
        /** A file the configuration names (a TLS certificate, key or trust store) is missing or unreadable. */
        MISSING_FILE,
        /** The storage directory cannot be used: not a directory, or not writable. */
        STORAGE
    }

    private final Problem problem;
    private final String key;
    private final int line;

    InvalidConfigException(Problem problem, String key, int line, String message) {
        super(message);
        this.problem = problem;
        this.key = key;
        this.line = line;
    }

    public Problem problem() {
        return problem;
    }

    /** The key at fault, if the mistake is about one key. */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }

    /** The line at fault (1-based), if the mistake is on one line. */
    public OptionalInt line() {
        return line > 0 ? OptionalInt.of(line) : OptionalInt.empty();
    }
}
