package io.ratissm.jepsen.checker;

import io.ratissm.jepsen.history.EdnWriter;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link Model} from its CLI name and an optional initial value, with Knossos's defaults when the
 * value is absent: {@code register} and {@code cas-register} start at {@code nil}, {@code multi-register} at
 * {@code {}}, {@code kv} keys at {@code ""}, and {@code mutex} free.
 */
public final class Models {
    /** The names {@link #create} accepts. */
    public static final List<String> NAMES = List.of("register", "cas-register", "multi-register", "kv", "mutex");

    private Models() {}

    /**
     * Creates the model called {@code name}.
     *
     * @param name one of {@link #NAMES}
     * @param hasInitial whether {@code initial} was given (it may legitimately be null, i.e. {@code nil})
     * @param initial the parsed EDN initial value
     * @throws IllegalArgumentException for an unknown name or an initial value of the wrong type
     */
    public static Model create(String name, boolean hasInitial, Object initial) {
        return switch (name) {
            case "register" -> new RegisterModel(hasInitial ? initial : null);
            case "cas-register" -> new CasRegisterModel(hasInitial ? initial : null);
            case "kv" -> new KvModel(hasInitial ? initial : "");
            case "multi-register" -> {
                if (hasInitial && !(initial instanceof Map<?, ?>)) {
                    throw new IllegalArgumentException("multi-register needs a map as its initial value, e.g. "
                            + "{:x 0 :y 0}, not " + EdnWriter.write(initial));
                }
                yield new MultiRegisterModel(hasInitial ? (Map<?, ?>) initial : Map.of());
            }
            case "mutex" -> {
                if (hasInitial && !(initial instanceof Boolean)) {
                    throw new IllegalArgumentException(
                            "mutex needs true (held) or false (free) as its initial value, not "
                                    + EdnWriter.write(initial));
                }
                yield new MutexModel(hasInitial && (Boolean) initial);
            }
            default -> throw new IllegalArgumentException("unknown model '" + name + "'; choose one of " + NAMES);
        };
    }
}
