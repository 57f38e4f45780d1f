package io.ratissm.jepsen.checker;

import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.history.Op;
import io.ratissm.jepsen.history.OpType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Jepsen's set check: unique {@code :add}s, then a final {@code :read} of the whole set. Valid when every
 * acknowledged add is in the final read (nothing {@code lost}), the read holds nothing that was never added
 * ({@code unexpected}), and no element appears twice ({@code duplicated}). Crashed adds may go either way; those
 * that made it are reported as {@code recovered}. Without an acknowledged final read the verdict is unknown.
 */
public final class SetChecker {
    private static final Keyword ADD = Keyword.of("add");
    private static final Keyword READ = Keyword.of("read");

    private SetChecker() {}

    /** The outcome, with the element sets that justify it. */
    public record Result(
            Verdict verdict,
            int attempted,
            int acknowledged,
            TreeSet<Long> lost,
            TreeSet<Long> unexpected,
            TreeSet<Long> duplicated,
            TreeSet<Long> recovered,
            boolean finalReadSeen) {

        /** The checker's part of {@code results.edn}. */
        public Map<Keyword, Object> toEdn() {
            Map<Keyword, Object> m = new LinkedHashMap<>();
            m.put(Keyword.of("valid?"), verdict.ednValue());
            m.put(Keyword.of("attempt-count"), (long) attempted);
            m.put(Keyword.of("acknowledged-count"), (long) acknowledged);
            m.put(Keyword.of("final-read?"), finalReadSeen);
            m.put(Keyword.of("lost"), new ArrayList<>(lost));
            m.put(Keyword.of("unexpected"), new ArrayList<>(unexpected));
            m.put(Keyword.of("duplicated"), new ArrayList<>(duplicated));
            m.put(Keyword.of("recovered-count"), (long) recovered.size());
            return m;
        }
    }

    public static Result check(History history) {
        Map<Object, Op> open = new HashMap<>();
        Set<Long> attempted = new TreeSet<>();
        Set<Long> acknowledged = new TreeSet<>();
        Set<Long> crashed = new TreeSet<>();
        List<?> finalRead = null;
        for (Op op : history.ops()) {
            if (!op.isClient()) {
                continue;
            }
            if (op.type() == OpType.INVOKE) {
                open.put(op.process(), op);
                if (ADD.equals(op.f())) {
                    attempted.add((Long) op.value());
                }
                continue;
            }
            Op invoke = open.remove(op.process());
            if (ADD.equals(op.f()) && invoke != null) {
                if (op.type() == OpType.OK) {
                    acknowledged.add((Long) invoke.value());
                } else if (op.type() == OpType.INFO) {
                    crashed.add((Long) invoke.value());
                }
            } else if (READ.equals(op.f()) && op.type() == OpType.OK) {
                finalRead = (List<?>) op.value();
            }
        }
        for (Object o : open.values()) {
            Op invoke = (Op) o;
            if (ADD.equals(invoke.f())) {
                crashed.add((Long) invoke.value());
            }
        }
        TreeSet<Long> seen = new TreeSet<>();
        TreeSet<Long> duplicated = new TreeSet<>();
        if (finalRead != null) {
            for (Object e : finalRead) {
                if (!seen.add((Long) e)) {
                    duplicated.add((Long) e);
                }
            }
        }
        TreeSet<Long> lost = new TreeSet<>(acknowledged);
        lost.removeAll(seen);
        TreeSet<Long> unexpected = new TreeSet<>(seen);
        unexpected.removeAll(attempted);
        TreeSet<Long> recovered = new TreeSet<>(crashed);
        recovered.retainAll(seen);
        Verdict v;
        if (finalRead == null) {
            v = Verdict.UNKNOWN;
            lost.clear();
        } else {
            v = lost.isEmpty() && unexpected.isEmpty() && duplicated.isEmpty()
                    ? Verdict.LINEARIZABLE
                    : Verdict.NOT_LINEARIZABLE;
        }
        return new Result(
                v, attempted.size(), acknowledged.size(), lost, unexpected, duplicated, recovered, finalRead != null);
    }
}
