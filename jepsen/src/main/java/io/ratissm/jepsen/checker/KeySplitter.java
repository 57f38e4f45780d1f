package io.ratissm.jepsen.checker;

import io.ratissm.jepsen.history.EdnWriter;
import io.ratissm.jepsen.history.Operation;
import io.ratissm.jepsen.history.PairedHistory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits a history into independent keys (P-compositionality, Horn &amp; Kroening): a history is linearizable
 * iff each key's sub-history is, when operations on different keys commute. Keys come from the model
 * ({@link Model#keyOf}, e.g. kv's {@code :key}) or from Jepsen {@code independent} {@code [k v]} tuple
 * values, whose {@code v} becomes the operation's value.
 */
final class KeySplitter {
    private static final Object CAS = CasRegisterModel.CAS;

    private KeySplitter() {}

    /** The keys' histories in key order; one history with a null key when nothing splits. */
    static List<KeyHistory> split(PairedHistory history, Model model, CheckOptions.Independence mode) {
        List<Operation> all = history.operations();
        boolean modelKeys = !all.isEmpty() && model.keyOf(all.get(0)) != null;
        if (modelKeys) {
            return group(all, model::keyOf, model::valueWithinKey);
        }
        boolean tuples = switch (mode) {
            case NO -> false;
            case YES -> true;
            case AUTO -> looksIndependent(all);
        };
        if (!tuples) {
            return List.of(new KeyHistory(null, all));
        }
        return group(all, KeySplitter::tupleKey, KeySplitter::tupleValue);
    }

    private static boolean looksIndependent(List<Operation> all) {
        if (all.isEmpty()) {
            return false;
        }
        boolean allCas = true;
        for (Operation op : all) {
            if (!isTuple(op.invoke().value())
                    || (op.completion() != null && !isTuple(op.completion().value()))) {
                return false;
            }
            allCas &= op.f() == CAS;
        }
        return !allCas;
    }

    private static boolean isTuple(Object value) {
        return value instanceof List<?> l
                && l.size() == 2
                && !(l.get(0) instanceof List<?>)
                && !(l.get(0) instanceof Map<?, ?>);
    }

    static Object tupleKey(Operation op) {
        if (!(op.invoke().value() instanceof List<?> l) || l.size() != 2) {
            throw new ModelMismatchException("op " + op.describe() + " is not an independent [key value] tuple; "
                    + "check the history without --independent");
        }
        return l.get(0);
    }

    static Object tupleValue(Operation op) {
        if (!(op.value() instanceof List<?> l) || l.size() != 2) {
            throw new ModelMismatchException("op " + op.describe() + " is not an independent [key value] tuple; "
                    + "check the history without --independent");
        }
        return l.get(1);
    }

    private interface Extractor {
        Object apply(Operation op);
    }

    private static List<KeyHistory> group(List<Operation> all, Extractor keyOf, Extractor valueOf) {
        Map<Object, List<Operation>> byKey = new LinkedHashMap<>();
        for (Operation op : all) {
            byKey.computeIfAbsent(keyOf.apply(op), k -> new ArrayList<>()).add(op.withValue(valueOf.apply(op)));
        }
        List<KeyHistory> keys = new ArrayList<>(byKey.size());
        byKey.forEach((k, ops) -> keys.add(new KeyHistory(k, ops)));
        keys.sort(Comparator.comparing(KeyHistory::key, KeySplitter::compareKeys));
        return keys;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareKeys(Object a, Object b) {
        if (a instanceof Comparable ca && b != null && a.getClass() == b.getClass()) {
            return ca.compareTo(b);
        }
        return EdnWriter.write(a).compareTo(EdnWriter.write(b));
    }
}
