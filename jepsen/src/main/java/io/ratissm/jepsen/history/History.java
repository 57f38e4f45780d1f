package io.ratissm.jepsen.history;

import java.util.List;

/**
 * A Jepsen history: every invocation and completion, clients and nemesis alike, in the real-time order in
 * which they happened. Read one with {@link HistoryReader}, write one with {@link HistoryWriter}, and pair
 * invocations with completions with {@link PairedHistory}.
 */
public record History(List<Op> ops) {
    public History {
        ops = List.copyOf(ops);
    }

    /** The number of ops, invocations and completions together. */
    public int size() {
        return ops.size();
    }
}
