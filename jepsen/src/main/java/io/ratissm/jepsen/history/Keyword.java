package io.ratissm.jepsen.history;

import java.util.concurrent.ConcurrentHashMap;

/**
 * An EDN keyword such as {@code :read} or {@code :nemesis}.
 *
 * <p>Keywords are interned: two keywords with the same name are the same object, so the checker can compare
 * them with {@code ==} on hot paths. {@link #toString()} gives the EDN form with the leading colon.
 */
public final class Keyword implements Comparable<Keyword> {
    private static final ConcurrentHashMap<String, Keyword> INTERNED = new ConcurrentHashMap<>();

    private final String name;

    private Keyword(String name) {
        this.name = name;
    }

    /** Returns the keyword named {@code name} (without the colon). */
    public static Keyword of(String name) {
        Keyword k = INTERNED.get(name);
        return k != null ? k : INTERNED.computeIfAbsent(name, Keyword::new);
    }

    /** The name without the leading colon, e.g. {@code "read"}. */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return ":" + name;
    }

    @Override
    public int compareTo(Keyword o) {
        return name.compareTo(o.name);
    }
}
