package io.ratissm.jepsen.junit;

import io.ratissm.jepsen.checker.StateMachineModel;
import io.ratissm.jepsen.history.EdnWriter;
import io.ratissm.jepsen.history.Keyword;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where a history stopped being linearizable, as the checker found it: the first operation (in completion order) that
 * no linearization can include, the completed operation before it, and the model state the longest linearization
 * reached, from which that operation's recorded outcome cannot follow. The whole search (every step of the longest
 * linearization with its state) is in the run's store, named by {@link #details()}.
 *
 * @param key        the key whose history failed, for a workload checked key by key ({@code register}); null for
 *                   one history
 * @param op         the operation, as its line in {@code history.edn} holds it ({@code :index}, {@code :type},
 *                   {@code :process}, {@code :f}, {@code :value}, ...)
 * @param previousOk the completed operation before it, or null
 * @param stateBefore the model state the longest linearization reached, rendered for reading; null when the
 *                   workload's checker does not report it
 * @param details    the files of the store with the whole search, e.g. {@code linearizability.edn, timeline.html}
 */
public record Counterexample(
        Object key, Map<Keyword, Object> op, Map<Keyword, Object> previousOk, String stateBefore, String details) {

    public Counterexample {
        Objects.requireNonNull(op, "op");
    }

    /** The operation's name ({@code :f}) without the colon, e.g. {@code size}. */
    public String f() {
        Object f = op.get(Keyword.of("f"));
        return f instanceof Keyword k ? k.name() : String.valueOf(f);
    }

    /** The operation's position in {@code history.edn} ({@code :index}), or -1 if it has none. */
    public long index() {
        return op.get(Keyword.of("index")) instanceof Long i ? i : -1;
    }

    /** The operation's value ({@code :value}): for the {@code state-machine} workload a map of bytes and their text. */
    public Object value() {
        return op.get(Keyword.of("value"));
    }

    /**
     * The operation for reading: its type, process, name and value, with the request and reply bytes of a {@code
     * state-machine} op left out where their text ({@code :text}, {@code :reply-text}) is there.
     */
    public static String describe(Map<Keyword, Object> op) {
        if (op == null) {
            return "none";
        }
        return EdnWriter.write(op.get(Keyword.of("type"))) + " by process "
                + EdnWriter.write(op.get(Keyword.of("process")))
                + " " + EdnWriter.write(op.get(Keyword.of("f"))) + " "
                + EdnWriter.write(readable(op.get(Keyword.of("value"))))
                + " (history.edn :index " + EdnWriter.write(op.get(Keyword.of("index"))) + ")";
    }

    private static Object readable(Object value) {
        if (!(value instanceof Map<?, ?> m)) {
            return value;
        }
        Map<Object, Object> shown = new LinkedHashMap<>(m);
        if (m.containsKey(StateMachineModel.TEXT)) {
            shown.remove(StateMachineModel.COMMAND);
            shown.remove(StateMachineModel.QUERY);
        }
        if (m.containsKey(StateMachineModel.REPLY_TEXT)) {
            shown.remove(StateMachineModel.REPLY);
        }
        return shown;
    }

    @Override
    public String toString() {
        return (key == null ? "" : "key " + EdnWriter.write(key) + ": ") + describe(op);
    }
}
