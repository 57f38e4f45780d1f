package io.ratissm.jepsen.checker;

import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.history.Op;
import io.ratissm.jepsen.history.OpType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Jepsen's counter check for a counter that only grows ({@code :add} of positive amounts, {@code :read}): every
 * acknowledged read must lie between the sum of the adds acknowledged before the read began (they must be
 * visible) and the sum of the adds that might have happened by the time it returned (invoked before its
 * completion and not failed; crashed adds may or may not count). One pass over the history, linear time.
 */
public final class CounterChecker {
    private static final Keyword ADD = Keyword.of("add");
    private static final Keyword READ = Keyword.of("read");

    private CounterChecker() {}

    /** A read outside its bounds. */
    public record BadRead(Op read, long lower, long upper) {}

    /** The verdict and the reads out of bounds; {@code reads} counts the reads checked. */
    public record Result(Verdict verdict, int reads, List<BadRead> errors) {

        /** The checker's part of {@code results.edn}. */
        public Map<Keyword, Object> toEdn() {
            Map<Keyword, Object> m = new LinkedHashMap<>();
            m.put(Keyword.of("valid?"), verdict.ednValue());
            m.put(Keyword.of("reads"), (long) reads);
            List<Object> bad = new ArrayList<>();
            for (BadRead e : errors) {
                Map<Keyword, Object> b = new LinkedHashMap<>();
                b.put(Keyword.of("op"), e.read().toEdnMap());
                b.put(Keyword.of("expected"), List.of(e.lower(), e.upper()));
                bad.add(b);
            }
            m.put(Keyword.of("errors"), bad);
            return m;
        }
    }

    public static Result check(History history) {
        Set<Long> failedAdds = failedAddInvocations(history);
        Map<Object, Op> open = new HashMap<>();
        Map<Object, Long> lowerAtInvoke = new HashMap<>();
        long acknowledged = 0;
        long possible = 0;
        int reads = 0;
        List<BadRead> errors = new ArrayList<>();
        for (Op op : history.ops()) {
            if (!op.isClient()) {
                continue;
            }
            if (op.type() == OpType.INVOKE) {
                open.put(op.process(), op);
                if (ADD.equals(op.f()) && !failedAdds.contains(op.index())) {
                    possible += (Long) op.value();
                } else if (READ.equals(op.f())) {
                    lowerAtInvoke.put(op.process(), acknowledged);
                }
                continue;
            }
            Op invoke = open.remove(op.process());
            if (invoke == null) {
                continue;
            }
            if (ADD.equals(op.f()) && op.type() == OpType.OK) {
                acknowledged += (Long) invoke.value();
            } else if (READ.equals(op.f()) && op.type() == OpType.OK) {
                reads++;
                long value = (Long) op.value();
                long lower = lowerAtInvoke.remove(op.process());
                if (value < lower || value > possible) {
                    errors.add(new BadRead(op, lower, possible));
                }
            }
        }
        Verdict v = !errors.isEmpty() ? Verdict.NOT_LINEARIZABLE : reads == 0 ? Verdict.UNKNOWN : Verdict.LINEARIZABLE;
        return new Result(v, reads, errors);
    }

    /** The {@code :index} of every add invocation whose completion is {@code :fail}: those never happened. */
    private static Set<Long> failedAddInvocations(History history) {
        Map<Object, Op> open = new HashMap<>();
        Set<Long> failed = new HashSet<>();
        for (Op op : history.ops()) {
            if (!op.isClient()) {
                continue;
            }
            if (op.type() == OpType.INVOKE) {
                open.put(op.process(), op);
            } else {
                Op invoke = open.remove(op.process());
                if (invoke != null && op.type() == OpType.FAIL && ADD.equals(op.f())) {
                    failed.add(invoke.index());
                }
            }
        }
        return failed;
    }
}
