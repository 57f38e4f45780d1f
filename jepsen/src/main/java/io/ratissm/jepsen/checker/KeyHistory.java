package io.ratissm.jepsen.checker;

import io.ratissm.jepsen.history.Operation;
import java.util.List;

/**
 * The operations on one independent key, with values as the key's model sees them (a Jepsen {@code [k v]}
 * tuple's {@code v}). Failed operations are kept for reports; the search skips them. {@code key} is null
 * when the history is checked as a whole.
 */
public record KeyHistory(Object key, List<Operation> operations) {
    public KeyHistory {
        operations = List.copyOf(operations);
    }
}
