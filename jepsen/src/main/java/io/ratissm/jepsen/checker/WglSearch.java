package io.ratissm.jepsen.checker;

import io.ratissm.jepsen.history.Operation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Wing &amp; Gong search with Lowe's memoisation, for one key's operations.
 *
 * <p>The history is a doubly linked list of call and return entries in real-time order; crashed
 * ({@code :info}) and pending operations get their return at the very end, because they may take effect at
 * any time after their call. Walking from the head, a call whose operation the model accepts and whose
 * resulting configuration (linearized set, state) is new is linearized: it and its return are lifted out and
 * the walk restarts. Reaching a return means that operation was not linearized before it returned, so the
 * last choice is undone. Reaching a crashed operation's return means every completed operation is linearized:
 * the history is linearizable. Undoing with an empty stack means it is not.
 *
 * <p>When the model {@linkplain Model#defersCrashedOperations() defers crashed operations}, they are left out of
 * the list and tried only when the walk reaches a return, before the last choice is undone: first those after
 * which the blocked operation can take effect (a one-step look-ahead on memoised steps), newest first. Every
 * order of candidates gives the same verdict, since each configuration still tries every candidate, but the
 * first path tried decides the cost. Listed, a crashed operation that never took effect is tried at every step to
 * the end of the history, so a search that backtracks explores subsets of the crashed operations; deferred, it is
 * tried only where the completed operations cannot go on without it. That wins when crashed commands change
 * state that stays hidden for long (a queue's tail) and loses when they are read at once (a register).
 *
 * <p>Two reductions keep one linearization of every kind the plain search would find, so they change no verdict and
 * no failing operation (a reduced configuration's completed operations, which decide both, are those of one it
 * replaces):
 *
 * <ul>
 *   <li><b>Read-only operations</b> ({@link Model#readsOnly}) are not tried later than where they first can take
 *       effect: if a configuration with such an op just linearized leads nowhere, the one before it does not either,
 *       because any way on from there can take the op first instead (it is already invoked, its real-time
 *       predecessors are in, and it changes no state). So undoing one undoes the choice before it too. Crashed and
 *       pending read-only ops are left out: they need not take effect and would change nothing.</li>
 *   <li><b>Twins</b>: crashed or pending ops of the same kind (same {@code :f} and value) are interchangeable, so
 *       each is tried only after its twin invoked before it: a linearization that uses the later one alone, or both
 *       with the later first, becomes one that does not by swapping them (the earlier one is invoked by then too).
 *       Without this, {@code k} crashed writes of one value make up to {@code 2^k} linearized sets of the same
 *       effect.</li>
 * </ul>
 *
 * <p>Bit ids put completed operations first in completion order, so the length of the all-ones prefix of the
 * linearized set is how many completed operations are linearized in order; the largest such prefix names the
 * failing operation, as in Knossos. The linearized set's hash is kept incrementally (Zobrist: one random
 * {@code long} per operation, xor-ed in and out).
 */
final class WglSearch {
    private static final int CHECK_INTERVAL_MASK = (1 << 10) - 1;

    private final Object key;
    private final Operation[] ops;
    private final int okCount;
    private final int[] kind;
    /** For a crashed or pending op, the last one of the same kind invoked before it; -1 for none and other ops. */
    private final int[] twinBefore;
    /** Per operation kind: whether it never changes the model's state ({@link Model#readsOnly}). */
    private final boolean[] readOnly;

    private final StateSpace space;
    private final MemoryBudget budget;
    /** Created in {@link #run()} so that an exhausted budget becomes a verdict, not an exception. */
    private ConfigCache cache;

    private final int[] next;
    private final int[] prev;
    private final int head;
    /** The crashed and pending operations, newest invocation first: the order they are tried in. */
    private final int[] indeterminateOrder;

    private final long deadlineNanos;
    private final AtomicBoolean cancelled;

    /**
     * Prepares the search; checks that the model understands every operation (so a wrong model fails here,
     * with a clear message, and not deep inside the search).
     */
    WglSearch(KeyHistory history, Model model, MemoryBudget budget, long deadlineNanos, AtomicBoolean cancelled) {
        this.key = history.key();
        this.deadlineNanos = deadlineNanos;
        this.cancelled = cancelled;
        // Completed ops in completion order, then crashed and pending ones in invocation order: sort keys of
        // (position << 32 | list index), which a plain long sort orders as a stable sort by position would.
        List<Operation> all = history.operations();
        int completed = 0;
        int open = 0;
        boolean[] needed = new boolean[all.size()];
        for (int i = 0; i < all.size(); i++) {
            Operation op = all.get(i);
            if (op.outcome() == Operation.Outcome.OK) {
                completed++;
            } else if (op.isIndeterminate() && !model.readsOnly(op.f(), op.value())) {
                open++; // a crashed read-only op need not take effect, and taking effect changes nothing: left out
                needed[i] = true;
            }
        }
        long[] okOrder = new long[completed];
        long[] openOrder = new long[open];
        completed = 0;
        open = 0;
        for (int i = 0; i < all.size(); i++) {
            Operation op = all.get(i);
            if (op.outcome() == Operation.Outcome.OK) {
                okOrder[completed++] = ((long) op.completePosition() << 32) | i;
            } else if (needed[i]) {
                openOrder[open++] = ((long) op.invokePosition() << 32) | i;
            }
        }
        Arrays.sort(okOrder);
        Arrays.sort(openOrder);
        okCount = completed;
        int n = completed + open;
        ops = new Operation[n];
        for (int i = 0; i < n; i++) {
            ops[i] = all.get((int) (i < okCount ? okOrder[i] : openOrder[i - okCount]));
        }

        kind = new int[n];
        Map<List<Object>, Integer> kinds = new HashMap<>();
        List<Object> kindF = new ArrayList<>();
        List<Object> kindValue = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Object> k = Arrays.asList(ops[i].f(), ops[i].value());
            Integer id = kinds.get(k);
            if (id == null) {
                id = kindF.size();
                kinds.put(k, id);
                kindF.add(ops[i].f());
                kindValue.add(ops[i].value());
                model.step(model.initialState(), ops[i].f(), ops[i].value());
            }
            kind[i] = id;
        }
        space = new StateSpace(model, kindF.toArray(), kindValue.toArray(), budget);
        twinBefore = new int[n];
        int[] lastOfKind = new int[kindF.size()];
        Arrays.fill(lastOfKind, -1);
        Arrays.fill(twinBefore, -1);
        for (int i = okCount; i < n; i++) { // the open ops, in invocation order
            twinBefore[i] = lastOfKind[kind[i]];
            lastOfKind[kind[i]] = i;
        }
        readOnly = new boolean[kindF.size()];
        for (int k = 0; k < readOnly.length; k++) {
            readOnly[k] = model.readsOnly(kindF.get(k), kindValue.get(k));
        }
        this.budget = budget;

        boolean deferred = model.defersCrashedOperations();
        indeterminateOrder = new int[deferred ? n - okCount : 0];
        for (int i = 0; i < indeterminateOrder.length; i++) {
            indeterminateOrder[i] = n - 1 - i;
        }

        // Entries: call of op i is node i, its return is node n + i, the list head is node 2n. Deferred crashed
        // operations are not in the list: the search tries them when it reaches a return. Otherwise their calls are
        // in it, and their returns at its end, since they may take effect at any time after their call.
        head = 2 * n;
        next = new int[2 * n + 1];
        prev = new int[2 * n + 1];
        int listed = deferred ? okCount : n;
        long[] events = new long[listed + okCount];
        for (int i = 0; i < listed; i++) {
            events[i] = ((long) ops[i].invokePosition() << 32) | i;
        }
        for (int i = 0; i < okCount; i++) {
            events[listed + i] = ((long) ops[i].completePosition() << 32) | (n + i);
        }
        Arrays.sort(events);
        int last = head;
        for (long e : events) {
            last = link(last, (int) e);
        }
        for (int i = okCount; i < listed; i++) {
            last = link(last, n + i);
        }
        next[last] = -1;
        prev[head] = -1;
    }

    private int link(int after, int node) {
        next[after] = node;
        prev[node] = after;
        return node;
    }

    Object key() {
        return key;
    }

    int operationCount() {
        return ops.length;
    }

    /** Runs the search to a verdict, or to unknown on timeout, cancellation or an exhausted budget. */
    KeyResult run() {
        try {
            cache = new ConfigCache(Math.max(1, (ops.length + 63) >>> 6), budget);
            return search();
        } catch (MemoryBudget.Exhausted e) {
            return KeyResult.unknown(key, ":memory", ops.length, cache == null ? 0 : cache.size());
        } finally {
            if (cache != null) {
                cache.release();
            }
            space.release();
        }
    }

    private KeyResult search() {
        final int n = ops.length;
        final long[] zobrist = new long[n];
        for (int i = 0; i < n; i++) {
            zobrist[i] = SplitMix.value(n * 0x9E3779B97F4A7C15L + 1, i + 1);
        }
        final long[] linearized = new long[Math.max(1, (n + 63) >>> 6)];
        final int[] stackOp = new int[n];
        final int[] stackState = new int[n];
        // For an op linearized from the list, -1; for a deferred crashed op: the return whose wait it was tried at, and
        // where to go on in the order. The
        // order is two passes over indeterminateOrder: first the ops after which the blocked op can take effect.
        final int[] stackReturn = new int[n];
        final int[] stackNextTry = new int[n];
        int depth = 0;
        int state = space.initial();
        long setHash = 0;
        int bestPrefix = -1;
        int[] bestOps = new int[0];
        int[] bestStates = new int[0];
        long iterations = 0;
        int firstTry = 0;

        int entry = next[head];
        while (entry != -1) {
            if ((++iterations & CHECK_INTERVAL_MASK) == 0) {
                if (cancelled.get()) {
                    return KeyResult.unknown(key, ":cancelled", n, cache.size());
                }
                if (System.nanoTime() - deadlineNanos > 0) {
                    return KeyResult.unknown(key, ":timeout", n, cache.size());
                }
            }
            if (entry < n) {
                int op = entry;
                int after = waitsForTwin(op, linearized) ? StateSpace.INCONSISTENT : space.step(state, kind[op]);
                if (after != StateSpace.INCONSISTENT && remember(setHash, op, after, linearized, zobrist)) {
                    stackOp[depth] = op;
                    stackState[depth] = state;
                    stackReturn[depth] = -1;
                    depth++;
                    state = after;
                    setHash ^= zobrist[op];
                    lift(op);
                    entry = next[head];
                    continue;
                }
                entry = next[entry];
                continue;
            }
            int blocked = entry - n;
            if (blocked >= okCount) {
                return success(stackOp, stackState, depth, state);
            }
            int waiting = ops[blocked].completePosition();
            boolean moved = false;
            int k = indeterminateOrder.length;
            for (int t = firstTry; t < 2 * k; t++) {
                int op = indeterminateOrder[t < k ? t : t - k];
                if (ops[op].invokePosition() > waiting
                        || (linearized[op >>> 6] & (1L << op)) != 0
                        || waitsForTwin(op, linearized)) {
                    continue;
                }
                int after = space.step(state, kind[op]);
                if (after == StateSpace.INCONSISTENT
                        || (t < k) != (space.step(after, kind[blocked]) != StateSpace.INCONSISTENT)) {
                    continue;
                }
                if (remember(setHash, op, after, linearized, zobrist)) {
                    stackOp[depth] = op;
                    stackState[depth] = state;
                    stackReturn[depth] = entry;
                    stackNextTry[depth] = t + 1;
                    depth++;
                    state = after;
                    setHash ^= zobrist[op];
                    moved = true;
                    break;
                }
            }
            firstTry = 0;
            if (moved) {
                entry = next[head];
                continue;
            }
            int prefix = onesPrefix(linearized, okCount);
            if (prefix > bestPrefix) {
                bestPrefix = prefix;
                bestOps = Arrays.copyOf(stackOp, depth);
                bestStates = statesAfter(stackState, depth, state);
            }
            while (true) {
                if (depth == 0) {
                    return failure(bestPrefix, bestOps, bestStates);
                }
                depth--;
                int undone = stackOp[depth];
                state = stackState[depth];
                setHash ^= zobrist[undone];
                linearized[undone >>> 6] &= ~(1L << undone);
                if (stackReturn[depth] != -1) {
                    entry = stackReturn[depth];
                    firstTry = stackNextTry[depth];
                    break;
                }
                unlift(undone);
                if (!readOnly[kind[undone]]) {
                    entry = next[undone];
                    break;
                }
                // A read-only op that could take effect here but led nowhere: it cannot help later either (see the
                // class comment), so this configuration is a dead end too.
            }
        }
        return success(stackOp, stackState, depth, state);
    }

    /**
     * Whether {@code op} is a crashed or pending operation whose twin (the one of the same kind invoked before it) has
     * not been linearized: twins are interchangeable, so only the first of them is tried (see the class comment).
     */
    private boolean waitsForTwin(int op, long[] linearized) {
        int twin = twinBefore[op];
        return twin >= 0 && (linearized[twin >>> 6] & (1L << twin)) == 0;
    }

    /**
     * Marks {@code op} linearized if the configuration it leads to is new, and says whether it was; a configuration
     * seen before has been explored already, so the op is left unmarked.
     */
    private boolean remember(long setHash, int op, int after, long[] linearized, long[] zobrist) {
        linearized[op >>> 6] |= 1L << op;
        if (cache.add(setHash ^ zobrist[op] ^ space.mix(after), after, linearized)) {
            return true;
        }
        linearized[op >>> 6] &= ~(1L << op);
        return false;
    }

    /** The verdict with the linearization found: the stack, which holds every completed op by now. */
    private KeyResult success(int[] stackOp, int[] stackState, int depth, int state) {
        return new KeyResult(
                key,
                Verdict.LINEARIZABLE,
                null,
                null,
                null,
                steps(stackOp, statesAfter(stackState, depth, state), depth),
                ops.length,
                cache.size());
    }

    private static int[] statesAfter(int[] stackState, int depth, int state) {
        int[] after = new int[depth];
        for (int d = 0; d < depth; d++) {
            after[d] = d + 1 < depth ? stackState[d + 1] : state;
        }
        return after;
    }

    private List<LinearizationStep> steps(int[] stackOps, int[] states, int depth) {
        List<LinearizationStep> steps = new ArrayList<>(depth);
        for (int d = 0; d < depth; d++) {
            steps.add(new LinearizationStep(ops[stackOps[d]], space.state(states[d])));
        }
        return steps;
    }

    private KeyResult failure(int prefix, int[] bestOps, int[] bestStates) {
        List<LinearizationStep> steps = steps(bestOps, bestStates, bestOps.length);
        Operation previous = prefix > 0 ? ops[prefix - 1] : null;
        return new KeyResult(
                key, Verdict.NOT_LINEARIZABLE, null, ops[prefix], previous, steps, ops.length, cache.size());
    }

    /** How many of the first {@code limit} bits are all set. */
    private static int onesPrefix(long[] set, int limit) {
        for (int w = 0; w < set.length; w++) {
            long inverted = ~set[w];
            if (inverted != 0) {
                return Math.min(limit, (w << 6) + Long.numberOfTrailingZeros(inverted));
            }
        }
        return limit;
    }

    private void lift(int op) {
        int call = op;
        next[prev[call]] = next[call];
        if (next[call] != -1) {
            prev[next[call]] = prev[call];
        }
        int ret = op + ops.length;
        next[prev[ret]] = next[ret];
        if (next[ret] != -1) {
            prev[next[ret]] = prev[ret];
        }
    }

    private void unlift(int op) {
        int ret = op + ops.length;
        next[prev[ret]] = ret;
        if (next[ret] != -1) {
            prev[next[ret]] = ret;
        }
        int call = op;
        next[prev[call]] = call;
        if (next[call] != -1) {
            prev[next[call]] = call;
        }
    }
}
