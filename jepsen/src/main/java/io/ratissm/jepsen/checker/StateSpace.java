package io.ratissm.jepsen.checker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The model's states as small integers, with memoised transitions, for one key's search.
 *
 * <p>Why: the search steps the model millions of times but a history has few distinct operations
 * ({@code :f}, value) and, for registers, few reachable states. Interning both turns a model step into an
 * array lookup and state equality into {@code ==} (Knossos precomputes the same graph eagerly; here it is
 * filled lazily, so models with unbounded states such as kv appends work too). Each state also gets a
 * random 64-bit mix for the memo table's hash.
 */
final class StateSpace {
    static final int INCONSISTENT = -1;
    private static final int NOT_COMPUTED = -2;
    /** Rough per-state cost: the transition row header, the map entry and the state object itself. */
    private static final long STATE_OVERHEAD_BYTES = 96;

    private final Model model;
    private final Object[] kindF;
    private final Object[] kindValue;
    private final MemoryBudget budget;
    private final List<Object> states = new ArrayList<>();
    private final Map<Object, Integer> ids = new HashMap<>();
    private final SplittableRandom random = new SplittableRandom(0x5EEDL);
    private int[][] next = new int[16][];
    private long[] mix = new long[16];
    private long reserved;

    StateSpace(Model model, Object[] kindF, Object[] kindValue, MemoryBudget budget) {
        this.model = model;
        this.kindF = kindF;
        this.kindValue = kindValue;
        this.budget = budget;
    }

    /** The id of the model's initial state. */
    int initial() {
        return intern(model.initialState());
    }

    /** The state after operation kind {@code kind} from state {@code state}, or {@link #INCONSISTENT}. */
    int step(int state, int kind) {
        int t = next[state][kind];
        return t != NOT_COMPUTED ? t : compute(state, kind);
    }

    long mix(int state) {
        return mix[state];
    }

    Object state(int id) {
        return states.get(id);
    }

    int size() {
        return states.size();
    }

    /** Returns the reserved bytes to the budget once the search is over. */
    void release() {
        budget.release(reserved);
        reserved = 0;
    }

    private int compute(int state, int kind) {
        Object after = model.step(states.get(state), kindF[kind], kindValue[kind]);
        int t = after == Model.INCONSISTENT ? INCONSISTENT : intern(after);
        next[state][kind] = t;
        return t;
    }

    private int intern(Object state) {
        Integer id = ids.get(state);
        if (id != null) {
            return id;
        }
        long bytes = STATE_OVERHEAD_BYTES + 4L * kindF.length;
        budget.reserve(bytes);
        reserved += bytes;
        int fresh = states.size();
        if (fresh == next.length) {
            next = Arrays.copyOf(next, fresh * 2);
            mix = Arrays.copyOf(mix, fresh * 2);
        }
        int[] row = new int[kindF.length];
        Arrays.fill(row, NOT_COMPUTED);
        next[fresh] = row;
        mix[fresh] = random.nextLong();
        states.add(state);
        ids.put(state, fresh);
        return fresh;
    }
}
