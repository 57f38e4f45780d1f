package io.ratissm.jepsen.checker;

import io.ratissm.jepsen.history.EdnWriter;
import io.ratissm.jepsen.history.Keyword;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Knossos's {@code multi-register}: a map of registers changed by {@code :txn} operations whose value is a
 * vector of micro-ops {@code [:read k v]} and {@code [:write k v]}, applied atomically in order. A read of
 * {@code nil} constrains nothing. A key absent from the map reads as {@code nil}.
 */
public final class MultiRegisterModel implements Model {
    static final Keyword TXN = Keyword.of("txn");

    private final Map<Object, Object> initial;

    public MultiRegisterModel(Map<?, ?> initial) {
        this.initial = Collections.unmodifiableMap(new HashMap<>(initial));
    }

    @Override
    public String name() {
        return "multi-register";
    }

    @Override
    public Object initialState() {
        return initial;
    }

    @Override
    public Object step(Object state, Object f, Object value) {
        if (f != TXN) {
            throw new ModelMismatchException("model multi-register has no operation " + EdnWriter.write(f)
                    + "; it accepts :txn with [[:read k v] [:write k v] ...]");
        }
        if (!(value instanceof List<?> microOps)) {
            throw new ModelMismatchException(
                    "a :txn value must be a vector of micro-ops, not " + EdnWriter.write(value));
        }
        @SuppressWarnings("unchecked")
        Map<Object, Object> current = (Map<Object, Object>) state;
        Map<Object, Object> next = null;
        for (Object m : microOps) {
            if (!(m instanceof List<?> micro) || micro.size() != 3) {
                throw new ModelMismatchException(
                        "a :txn micro-op must be [:read k v] or [:write k v], not " + EdnWriter.write(m));
            }
            Object key = micro.get(1);
            Object v = micro.get(2);
            Map<Object, Object> view = next != null ? next : current;
            if (micro.get(0) == RegisterModel.READ) {
                if (v != null && !Objects.equals(v, view.get(key))) {
                    return INCONSISTENT;
                }
            } else if (micro.get(0) == RegisterModel.WRITE) {
                if (next == null) {
                    next = new HashMap<>(current);
                }
                next.put(key, v);
            } else {
                throw new ModelMismatchException(
                        "a :txn micro-op must be [:read k v] or [:write k v], not " + EdnWriter.write(m));
            }
        }
        return next == null ? current : Collections.unmodifiableMap(next);
    }

    /** A {@code :txn} of reads only. */
    @Override
    public boolean readsOnly(Object f, Object value) {
        if (f != TXN || !(value instanceof List<?> microOps)) {
            return false;
        }
        for (Object m : microOps) {
            if (!(m instanceof List<?> micro) || micro.size() != 3 || micro.get(0) != RegisterModel.READ) {
                return false;
            }
        }
        return true;
    }
}
