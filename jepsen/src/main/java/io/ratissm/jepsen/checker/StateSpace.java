package io.ratissm.jepsen.checker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The model's states as small integers, with memoised transitions, for one key's search.
 *
 * <p>Why: the search steps the model millions of times but a history has few distinct operations
 * ({@code :f}, value) and, for registers, few reachable states. Interning both turns a model step into an
 * array lookup and state equality into {@code ==} (Knossos precomputes the same graph eagerly; here it is
 * filled lazily, so models with unbounded states such as kv appends work too). Each state also gets a
 * random 64-bit mix for the memo table's hash.
 *
 * <p>Transitions are a dense row per state when the history has few operation kinds (registers: a handful), and a
 * hash table keyed by (state, kind) when it has many (a queue whose every enqueue carries a new value, a state
 * machine whose replies differ per operation), where dense rows would cost {@code 4 * kinds} bytes per state.
 */
final class StateSpace {
    static final int INCONSISTENT = -1;
    private static final int NOT_COMPUTED = -2;
    /** Rough per-state cost: the transition row header, the map entry and the state object itself. */
    private static final long STATE_OVERHEAD_BYTES = 96;
    /** Above this many kinds, transitions go to the sparse table. */
    private static final int DENSE_KINDS_LIMIT = 256;

    private final Model model;
    private final Object[] kindF;
    private final Object[] kindValue;
    private final MemoryBudget budget;
    private final List<Object> states = new ArrayList<>();
    private final Map<Object, Integer> ids = new HashMap<>();
    private final boolean dense;
    private int[][] next = new int[16][];
    private long[] mix = new long[16];
    private SparseTransitions sparse;
    private long reserved;

    StateSpace(Model model, Object[] kindF, Object[] kindValue, MemoryBudget budget) {
        this.model = model;
        this.kindF = kindF;
        this.kindValue = kindValue;
        this.budget = budget;
        this.dense = kindF.length <= DENSE_KINDS_LIMIT;
    }

    /** The id of the model's initial state. */
    int initial() {
        return intern(model.initialState());
    }

    /** The state after operation kind {@code kind} from state {@code state}, or {@link #INCONSISTENT}. */
    int step(int state, int kind) {
        int t = dense ? next[state][kind] : sparse().get(state, kind);
        return t != NOT_COMPUTED ? t : compute(state, kind);
    }

    private SparseTransitions sparse() {
        if (sparse == null) {
            sparse = new SparseTransitions();
        }
        return sparse;
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

    private void reserve(long bytes) {
        budget.reserve(bytes);
        reserved += bytes;
    }

    private int compute(int state, int kind) {
        Object after = model.step(states.get(state), kindF[kind], kindValue[kind]);
        int t = after == Model.INCONSISTENT ? INCONSISTENT : intern(after);
        if (dense) {
            next[state][kind] = t;
        } else {
            sparse().put(state, kind, t);
        }
        return t;
    }

    private int intern(Object state) {
        Integer id = ids.get(state);
        if (id != null) {
            return id;
        }
        reserve(STATE_OVERHEAD_BYTES + model.stateSizeBytes(state) + (dense ? 4L * kindF.length : 0));
        int fresh = states.size();
        if (fresh == mix.length) {
            next = dense ? Arrays.copyOf(next, fresh * 2) : next;
            mix = Arrays.copyOf(mix, fresh * 2);
        }
        if (dense) {
            int[] row = new int[kindF.length];
            Arrays.fill(row, NOT_COMPUTED);
            next[fresh] = row;
        }
        mix[fresh] = SplitMix.value(0x5EEDL, fresh + 1);
        states.add(state);
        ids.put(state, fresh);
        return fresh;
    }

    /** Open addressing from (state, kind) to the next state; 12 bytes a slot, reserved before it grows. */
    private final class SparseTransitions {
        private long[] keys;
        private int[] values;
        private int size;

        SparseTransitions() {
            allocate(1 << 10);
        }

        int get(int state, int kind) {
            long key = key(state, kind);
            int mask = keys.length - 1;
            for (int slot = spread(key) & mask; ; slot = (slot + 1) & mask) {
                if (keys[slot] == 0) {
                    return NOT_COMPUTED;
                }
                if (keys[slot] == key) {
                    return values[slot];
                }
            }
        }

        void put(int state, int kind, int target) {
            if ((size + 1) * 2 > keys.length) {
                long[] oldKeys = keys;
                int[] oldValues = values;
                allocate(oldKeys.length * 2);
                for (int i = 0; i < oldKeys.length; i++) {
                    if (oldKeys[i] != 0) {
                        insert(oldKeys[i], oldValues[i]);
                    }
                }
                budget.release(12L * oldKeys.length);
                reserved -= 12L * oldKeys.length;
            }
            insert(key(state, kind), target);
            size++;
        }

        private void insert(long key, int target) {
            int mask = keys.length - 1;
            int slot = spread(key) & mask;
            while (keys[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            keys[slot] = key;
            values[slot] = target;
        }

        private void allocate(int capacity) {
            reserve(12L * capacity);
            keys = new long[capacity];
            values = new int[capacity];
        }

        /** Never 0, which marks an empty slot: states and kinds are below 2^31, so the +1 cannot wrap. */
        private static long key(int state, int kind) {
            return (((long) state << 32) | kind) + 1;
        }

        private static int spread(long key) {
            long h = key * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32));
        }
    }
}
