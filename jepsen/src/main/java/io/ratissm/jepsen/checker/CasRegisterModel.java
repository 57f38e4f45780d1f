package io.ratissm.jepsen.checker;

import io.ratissm.jepsen.history.EdnWriter;
import io.ratissm.jepsen.history.Keyword;
import java.util.List;
import java.util.Objects;

/**
 * Knossos's {@code cas-register}: a {@link RegisterModel} plus {@code :cas [old new]}, which sets the value
 * to {@code new} when it equals {@code old} and cannot happen otherwise.
 */
public final class CasRegisterModel extends RegisterModel {
    static final Keyword CAS = Keyword.of("cas");

    public CasRegisterModel(Object initial) {
        super(initial);
    }

    @Override
    public String name() {
        return "cas-register";
    }

    @Override
    protected Object stepOther(Object state, Object f, Object value) {
        if (f != CAS) {
            return super.stepOther(state, f, value);
        }
        if (!(value instanceof List<?> pair) || pair.size() != 2) {
            throw new ModelMismatchException("a :cas value must be [old new], not " + EdnWriter.write(value));
        }
        return Objects.equals(pair.get(0), state) ? pair.get(1) : INCONSISTENT;
    }

    /** A {@code :cas [v v]}: it leaves a state it can happen in as it is. */
    @Override
    protected boolean readsOnlyOther(Object f, Object value) {
        return f == CAS
                && value instanceof List<?> pair
                && pair.size() == 2
                && Objects.equals(pair.get(0), pair.get(1));
    }

    @Override
    protected String operations() {
        return ":read, :write and :cas";
    }
}
