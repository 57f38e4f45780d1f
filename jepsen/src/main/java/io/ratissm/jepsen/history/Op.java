package io.ratissm.jepsen.history;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of a Jepsen history: an invocation or a completion.
 *
 * <p>{@code index} is the position in the history (the {@code :index} key when present); {@code time} is
 * nanoseconds since the test started, or {@link #NO_TIME} when the history has none. {@code process} is a
 * {@link Long} for clients and usually {@code :nemesis} for the fault injector. {@code extras} holds every
 * other key, e.g. {@code :error} or the Porcupine kv format's {@code :key}, in file order.
 */
public record Op(
        long index, long time, OpType type, Object process, Object f, Object value, Map<Keyword, Object> extras) {

    /** Marks an op that carries no {@code :time}. */
    public static final long NO_TIME = Long.MIN_VALUE;

    static final Keyword INDEX = Keyword.of("index");
    static final Keyword TIME = Keyword.of("time");
    static final Keyword TYPE = Keyword.of("type");
    static final Keyword PROCESS = Keyword.of("process");
    static final Keyword F = Keyword.of("f");
    static final Keyword VALUE = Keyword.of("value");
    /** The {@code :error} key of an op that failed or crashed. */
    public static final Keyword ERROR = Keyword.of("error");

    public Op {
        extras = extras == null || extras.isEmpty()
                ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(extras));
    }

    /** Convenience for ops built in code (tests, harness): no time, no extras. */
    public static Op of(long index, OpType type, Object process, String f, Object value) {
        return new Op(index, NO_TIME, type, process, Keyword.of(f), value, Map.of());
    }

    /**
     * Builds an op from a parsed EDN map. {@code position} is its place in the history, used as the index when
     * the map has no {@code :index}.
     *
     * @throws MalformedHistoryException if {@code :type}, {@code :process} or {@code :f} is missing or invalid
     */
    public static Op fromEdn(Object form, int position) {
        if (!(form instanceof Map<?, ?> map)) {
            throw new MalformedHistoryException(
                    "history element " + position + " is not an op map but " + EdnWriter.write(form)
                            + "; a history is a sequence of maps like {:type :invoke, :process 0, ...}");
        }
        OpType type = OpType.fromEdn(map.get(TYPE));
        if (type == null) {
            throw new MalformedHistoryException("op " + position + " " + EdnWriter.write(map) + " has :type "
                    + EdnWriter.write(map.get(TYPE)) + "; expected :invoke, :ok, :fail or :info");
        }
        if (!map.containsKey(PROCESS) || !map.containsKey(F)) {
            throw new MalformedHistoryException("op " + position + " " + EdnWriter.write(map)
                    + " lacks :process or :f; every op names the process that ran it and its function");
        }
        long index = map.get(INDEX) instanceof Long l ? l : position;
        long time = map.get(TIME) instanceof Long t ? t : NO_TIME;
        Map<Keyword, Object> extras = null;
        if (map instanceof ArrayMap small) { // what the reader returns for an op: no iterator, no entry objects
            for (int i = 0; i < small.size(); i++) {
                extras = addExtra(extras, small.keyAt(i), small.valueAt(i));
            }
        } else {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                extras = addExtra(extras, e.getKey(), e.getValue());
            }
        }
        return new Op(index, time, type, map.get(PROCESS), map.get(F), map.get(VALUE), extras);
    }

    /** Adds a key other than the six an op always has to {@code extras}, created on the first. */
    private static Map<Keyword, Object> addExtra(Map<Keyword, Object> extras, Object k, Object value) {
        if (k instanceof Keyword kw && k != INDEX && k != TIME && k != TYPE && k != PROCESS && k != F && k != VALUE) {
            Map<Keyword, Object> m = extras != null ? extras : new LinkedHashMap<>();
            m.put(kw, value);
            return m;
        }
        return extras;
    }

    /** True for client ops, whose process is an integer; the nemesis and other actors are not clients. */
    public boolean isClient() {
        return process instanceof Long || process instanceof Integer;
    }

    /** The value of an extra key such as {@code :error}, or null. */
    public Object extra(Keyword key) {
        return extras.get(key);
    }

    /** The op as an EDN map in Jepsen's key order: index, time, type, process, f, value, then extras. */
    public Map<Keyword, Object> toEdnMap() {
        Map<Keyword, Object> m = new LinkedHashMap<>();
        m.put(INDEX, index);
        if (time != NO_TIME) {
            m.put(TIME, time);
        }
        m.put(TYPE, type.keyword());
        m.put(PROCESS, process);
        m.put(F, f);
        m.put(VALUE, value);
        m.putAll(extras);
        return m;
    }

    @Override
    public String toString() {
        return EdnWriter.write(toEdnMap());
    }
}
