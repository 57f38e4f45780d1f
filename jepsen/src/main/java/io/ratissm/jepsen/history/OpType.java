package io.ratissm.jepsen.history;

/**
 * The {@code :type} of a Jepsen operation. {@link #OK} definitely happened, {@link #FAIL} definitely did not,
 * {@link #INFO} is indeterminate: it may have taken effect at any time after its invocation, or never.
 */
public enum OpType {
    INVOKE,
    OK,
    FAIL,
    INFO;

    private final Keyword keyword = Keyword.of(name().toLowerCase());

    /** The EDN keyword, e.g. {@code :invoke}. */
    public Keyword keyword() {
        return keyword;
    }

    /** The type named by {@code value}, a keyword such as {@code :ok}; null if it names none. */
    public static OpType fromEdn(Object value) {
        for (OpType t : values()) {
            if (t.keyword == value) {
                return t;
            }
        }
        return null;
    }
}
