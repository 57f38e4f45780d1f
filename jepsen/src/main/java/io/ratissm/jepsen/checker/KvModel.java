package io.ratissm.jepsen.checker;

import io.ratissm.jepsen.history.EdnWriter;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.history.Operation;
import java.util.List;
import java.util.Objects;

/**
 * Porcupine's key-value model: per key a string, initially {@code ""} (configurable), with {@code :get} (the
 * value read; {@code nil} constrains nothing), {@code :put} (replace) and {@code :append} (concatenate).
 *
 * <p>Keys are independent, so the checker splits the history per key. The key is the op's {@code :key} (the
 * Porcupine kv log format), or else the first element of a Jepsen independent {@code [k v]} tuple value.
 */
public final class KvModel implements Model {
    static final Keyword GET = Keyword.of("get");
    static final Keyword PUT = Keyword.of("put");
    static final Keyword APPEND = Keyword.of("append");
    static final Keyword KEY = Keyword.of("key");

    private final Object initial;

    public KvModel(Object initial) {
        this.initial = initial;
    }

    @Override
    public String name() {
        return "kv";
    }

    @Override
    public Object initialState() {
        return initial;
    }

    @Override
    public Object step(Object state, Object f, Object value) {
        if (f == GET) {
            return value == null || Objects.equals(value, state) ? state : INCONSISTENT;
        }
        if (f == PUT) {
            return value;
        }
        if (f == APPEND) {
            if (!(value instanceof String suffix)) {
                throw new ModelMismatchException("an :append value must be a string, not " + EdnWriter.write(value));
            }
            return state == null ? suffix : state + suffix;
        }
        throw new ModelMismatchException(
                "model kv has no operation " + EdnWriter.write(f) + "; it accepts :get, :put and :append");
    }

    @Override
    public boolean readsOnly(Object f, Object value) {
        return f == GET;
    }

    @Override
    public Object keyOf(Operation op) {
        if (op.invoke().extras().containsKey(KEY)) {
            return op.invoke().extra(KEY);
        }
        if (op.value() instanceof List<?> tuple && tuple.size() == 2) {
            return tuple.get(0);
        }
        throw new ModelMismatchException(
                "kv op " + op.describe() + " names no key; give it a :key or a [key value] tuple value");
    }

    @Override
    public Object valueWithinKey(Operation op) {
        if (op.invoke().extras().containsKey(KEY)) {
            return op.value();
        }
        return ((List<?>) op.value()).get(1);
    }
}
