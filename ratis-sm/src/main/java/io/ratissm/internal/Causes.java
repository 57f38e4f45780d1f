package io.ratissm.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;

/**
 * The one walk along an exception's causes, for the client (what did the group answer, behind gRPC's and the
 * futures' wrappers) and the server (was a start failure the log's, or a full disk).
 *
 * <p>Every method stops at the first cause seen before, so a chain that loops (an exception that names itself or an
 * earlier one as its cause, which {@link Throwable#initCause} does not prevent) ends instead of spinning.
 */
public final class Causes {
    private Causes() {}

    /** {@code t} and its causes, outermost first; empty for null. */
    public static List<Throwable> chain(Throwable t) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable c = t; c != null && seen.add(c); c = c.getCause()) {
            chain.add(c);
        }
        return chain;
    }

    /** The outermost exception of {@code type} in the chain of {@code t}. */
    public static <E extends Throwable> Optional<E> find(Throwable t, Class<E> type) {
        return chain(t).stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    /** Whether any exception in the chain of {@code t} matches. */
    public static boolean any(Throwable t, Predicate<Throwable> test) {
        return chain(t).stream().anyMatch(test);
    }

    /**
     * The innermost cause of {@code t} ({@code t} itself if it has none): the specific reason ("No space left on
     * device", "No subject alternative names present") that the outer exceptions only wrap.
     */
    public static Throwable root(Throwable t) {
        List<Throwable> chain = chain(t);
        return chain.get(chain.size() - 1);
    }

    /**
     * {@code t} without the {@link CompletionException} and {@link ExecutionException} wrappers that futures put
     * around a failure: what the attempt itself failed with.
     */
    public static Throwable unwrapped(Throwable t) {
        for (Throwable c : chain(t)) {
            if (!(c instanceof CompletionException || c instanceof ExecutionException) || c.getCause() == null) {
                return c;
            }
        }
        return t; // a loop of wrappers only
    }
}
