package io.ratissm.jepsen.history;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * An unmodifiable, insertion-ordered map of a few entries in one array, for the small maps that histories are made of
 * (an op has five to eight keys). Equal to, and hashing like, any {@link Map} with the same entries.
 *
 * <p>Why not a {@code LinkedHashMap}: a history is read once, mostly before the JIT has compiled anything, and a
 * lookup here is a short loop that usually ends on the first {@code ==} of an interned {@link Keyword}, where a hash
 * map's put and get are a dozen interpreted calls each; the reader also skips the unmodifiable wrapper.
 */
final class ArrayMap extends AbstractMap<Object, Object> {
    /** The most entries the reader puts in one of these; bigger maps go to a {@code LinkedHashMap}. */
    static final int MAX_ENTRIES = 8;

    /** Keys at even positions, each followed by its value; {@code size * 2} are used. */
    private final Object[] entries;

    private final int size;

    private ArrayMap(Object[] entries, int size) {
        this.entries = entries;
        this.size = size;
    }

    /** Collects entries in order; a key put twice keeps its first position and its last value, as a map does. */
    static final class Builder {
        private Object[] entries = new Object[2 * MAX_ENTRIES];
        private int size;

        /** False, adding nothing, if the key is new and the map already has {@link #MAX_ENTRIES} entries. */
        boolean put(Object key, Object value) {
            int i = indexOf(entries, size, key);
            if (i >= 0) {
                entries[i + 1] = value;
                return true;
            }
            if (size == MAX_ENTRIES) {
                return false;
            }
            entries[2 * size] = key;
            entries[2 * size + 1] = value;
            size++;
            return true;
        }

        /** The entries so far, in order, for a caller that moves to a bigger map. */
        void copyTo(Map<Object, Object> map) {
            for (int i = 0; i < size; i++) {
                map.put(entries[2 * i], entries[2 * i + 1]);
            }
        }

        ArrayMap build() {
            return new ArrayMap(size == MAX_ENTRIES ? entries : Arrays.copyOf(entries, 2 * size), size);
        }
    }

    private static int indexOf(Object[] entries, int size, Object key) {
        for (int i = 0; i < 2 * size; i += 2) {
            Object k = entries[i];
            if (k == key || (k != null && k.equals(key))) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(entries, size, key) >= 0;
    }

    @Override
    public Object get(Object key) {
        int i = indexOf(entries, size, key);
        return i >= 0 ? entries[i + 1] : null;
    }

    @Override
    public boolean containsValue(Object value) {
        for (int i = 1; i < 2 * size; i += 2) {
            if (Objects.equals(entries[i], value)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Set<Entry<Object, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public Iterator<Entry<Object, Object>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < size;
                    }

                    @Override
                    public Entry<Object, Object> next() {
                        if (next >= size) {
                            throw new NoSuchElementException();
                        }
                        int i = 2 * next++;
                        return new SimpleImmutableEntry<>(entries[i], entries[i + 1]);
                    }
                };
            }
        };
    }

    /** The key of entry {@code i}, in insertion order; for callers that walk the entries without iterators. */
    Object keyAt(int i) {
        return entries[2 * i];
    }

    /** The value of entry {@code i}. */
    Object valueAt(int i) {
        return entries[2 * i + 1];
    }
}
