package io.ratissm.jepsen.checker;

import io.ratissm.jepsen.history.EdnWriter;
import io.ratissm.jepsen.history.Keyword;
import java.util.Objects;

/**
 * Knossos's {@code register}: a single value with {@code :write v} and {@code :read v}. A read of {@code nil}
 * constrains nothing (the client did not learn the value), so it is legal in every state.
 */
public class RegisterModel implements Model {
    static final Keyword READ = Keyword.of("read");
    static final Keyword WRITE = Keyword.of("write");

    private final Object initial;

    public RegisterModel(Object initial) {
        this.initial = initial;
    }

    @Override
    public String name() {
        return "register";
    }

    @Override
    public Object initialState() {
        return initial;
    }

    @Override
    public Object step(Object state, Object f, Object value) {
        if (f == WRITE) {
            return value;
        }
        if (f == READ) {
            return value == null || Objects.equals(value, state) ? state : INCONSISTENT;
        }
        return stepOther(state, f, value);
    }

    /** A read; and whatever {@link #readsOnlyOther} says of other operations. */
    @Override
    public boolean readsOnly(Object f, Object value) {
        return f == READ || (f != WRITE && readsOnlyOther(f, value));
    }

    /** Whether an operation beyond read and write never changes the state; a plain register has none. */
    protected boolean readsOnlyOther(Object f, Object value) {
        return false;
    }

    /** Operations beyond read and write; a plain register has none. */
    protected Object stepOther(Object state, Object f, Object value) {
        throw new ModelMismatchException(
                "model " + name() + " has no operation " + EdnWriter.write(f) + "; it accepts " + operations());
    }

    /** The operations named in error messages. */
    protected String operations() {
        return ":read and :write (use cas-register for :cas)";
    }
}
