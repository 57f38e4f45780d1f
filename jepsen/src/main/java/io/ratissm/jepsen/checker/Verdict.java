package io.ratissm.jepsen.checker;

import io.ratissm.jepsen.history.Keyword;

/**
 * The answer to "is this history linearizable?". {@link #UNKNOWN} means the checker gave up (time limit,
 * memory budget) and says nothing about the history.
 */
public enum Verdict {
    LINEARIZABLE(Boolean.TRUE, "true"),
    NOT_LINEARIZABLE(Boolean.FALSE, "false"),
    UNKNOWN(Keyword.of("unknown"), "unknown");

    private final Object edn;
    private final String text;

    Verdict(Object edn, String text) {
        this.edn = edn;
        this.text = text;
    }

    /** Jepsen's {@code :valid?} value: {@code true}, {@code false} or {@code :unknown}. */
    public Object ednValue() {
        return edn;
    }

    /** The CLI form: {@code true}, {@code false} or {@code unknown}. */
    public String text() {
        return text;
    }

    /** Jepsen's {@code merge-valid}: any false wins, then any unknown, else true. */
    public Verdict and(Verdict other) {
        if (this == NOT_LINEARIZABLE || other == NOT_LINEARIZABLE) {
            return NOT_LINEARIZABLE;
        }
        return this == UNKNOWN || other == UNKNOWN ? UNKNOWN : LINEARIZABLE;
    }
}
