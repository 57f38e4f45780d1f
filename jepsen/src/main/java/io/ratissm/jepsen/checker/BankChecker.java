package io.ratissm.jepsen.checker;

import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.history.Op;
import io.ratissm.jepsen.history.OpType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Jepsen's bank check: transfers move money between a fixed set of accounts and never create or destroy it, so
 * every acknowledged {@code :read} (a map of account to balance) must show exactly the expected accounts, no
 * negative balance, and the same total. Transfers refused for insufficient funds are {@code :fail} and irrelevant.
 * Without any acknowledged read the verdict is unknown.
 */
public final class BankChecker {
    private static final Keyword READ = Keyword.of("read");

    private BankChecker() {}

    /** A read that breaks an invariant, and which one. */
    public record BadRead(Op read, String problem) {}

    /** The outcome: the reads checked and those that are wrong. */
    public record Result(Verdict verdict, int reads, List<BadRead> errors) {

        /** The checker's part of {@code results.edn}. */
        public Map<Keyword, Object> toEdn() {
            Map<Keyword, Object> m = new LinkedHashMap<>();
            m.put(Keyword.of("valid?"), verdict.ednValue());
            m.put(Keyword.of("read-count"), (long) reads);
            m.put(Keyword.of("error-count"), (long) errors.size());
            List<Object> first = new ArrayList<>();
            for (BadRead b : errors.subList(0, Math.min(10, errors.size()))) {
                Map<Keyword, Object> e = new LinkedHashMap<>();
                e.put(Keyword.of("problem"), b.problem());
                e.put(Keyword.of("op"), b.read().toEdnMap());
                first.add(e);
            }
            m.put(Keyword.of("first-errors"), first);
            return m;
        }
    }

    /** Checks every acknowledged read against {@code accounts} and {@code total}. */
    public static Result check(History history, Set<String> accounts, long total) {
        int reads = 0;
        List<BadRead> errors = new ArrayList<>();
        for (Op op : history.ops()) {
            if (!op.isClient() || op.type() != OpType.OK || !READ.equals(op.f())) {
                continue;
            }
            reads++;
            Map<?, ?> balances = (Map<?, ?>) op.value();
            long sum = 0;
            List<String> negative = new ArrayList<>();
            for (Map.Entry<?, ?> e : balances.entrySet()) {
                long b = (Long) e.getValue();
                sum += b;
                if (b < 0) {
                    negative.add(e.getKey() + "=" + b);
                }
            }
            Set<String> seen = new TreeSet<>();
            balances.keySet().forEach(k -> seen.add(String.valueOf(k)));
            if (!seen.equals(new TreeSet<>(accounts))) {
                errors.add(new BadRead(op, "accounts " + seen + " but expected " + new TreeSet<>(accounts)));
            } else if (!negative.isEmpty()) {
                errors.add(new BadRead(op, "negative balances " + negative));
            } else if (sum != total) {
                errors.add(new BadRead(op, "total " + sum + " but expected " + total));
            }
        }
        Verdict v = !errors.isEmpty() ? Verdict.NOT_LINEARIZABLE : reads == 0 ? Verdict.UNKNOWN : Verdict.LINEARIZABLE;
        return new Result(v, reads, errors);
    }
}
