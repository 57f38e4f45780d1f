package io.ratissm.jepsen.checker;

/**
 * Lowe's memo of configurations already explored: pairs (set of linearized operations, model state).
 *
 * <p>An open-addressing table with linear probing whose bitsets live in one flat {@code long[]}, so an entry
 * costs {@code 12 + 8 * words} bytes and no objects. Callers pass the configuration's 64-bit hash, which the
 * search maintains incrementally (Zobrist hashing), so adding never rehashes a bitset. Growth is reserved
 * against the {@link MemoryBudget} first.
 */
final class ConfigCache {
    private static final int INITIAL_CAPACITY = 1 << 10;
    /** Stands in for a hash of 0, because 0 marks an empty slot. */
    private static final long ZERO_HASH = 0x9E3779B97F4A7C15L;

    private final int words;
    private final MemoryBudget budget;
    private long[] hashes;
    private int[] states;
    private long[] bits;
    private int mask;
    private int size;
    private long reserved;

    ConfigCache(int words, MemoryBudget budget) {
        this.words = words;
        this.budget = budget;
        allocate(INITIAL_CAPACITY);
    }

    /** Adds the configuration; false if it was already present (so the search need not explore it again). */
    boolean add(long hash, int state, long[] set) {
        if (hash == 0) {
            hash = ZERO_HASH;
        }
        int slot = spread(hash) & mask;
        while (true) {
            long h = hashes[slot];
            if (h == 0) {
                hashes[slot] = hash;
                states[slot] = state;
                System.arraycopy(set, 0, bits, slot * words, words);
                if (++size * 2 > hashes.length) {
                    grow();
                }
                return true;
            }
            if (h == hash && states[slot] == state && sameBits(slot, set)) {
                return false;
            }
            slot = (slot + 1) & mask;
        }
    }

    int size() {
        return size;
    }

    void release() {
        budget.release(reserved);
        reserved = 0;
    }

    private boolean sameBits(int slot, long[] set) {
        int base = slot * words;
        for (int i = 0; i < words; i++) {
            if (bits[base + i] != set[i]) {
                return false;
            }
        }
        return true;
    }

    private void grow() {
        long[] oldHashes = hashes;
        int[] oldStates = states;
        long[] oldBits = bits;
        long oldReserved = reserved;
        allocate(oldHashes.length * 2);
        budget.release(oldReserved);
        reserved -= oldReserved;
        for (int old = 0; old < oldHashes.length; old++) {
            long h = oldHashes[old];
            if (h == 0) {
                continue;
            }
            int slot = spread(h) & mask;
            while (hashes[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            hashes[slot] = h;
            states[slot] = oldStates[old];
            System.arraycopy(oldBits, old * words, bits, slot * words, words);
        }
    }

    private void allocate(int capacity) {
        long bytes = (long) capacity * (12L + 8L * words);
        if ((long) capacity * words > Integer.MAX_VALUE - 8) {
            throw new MemoryBudget.Exhausted();
        }
        budget.reserve(bytes);
        reserved += bytes;
        hashes = new long[capacity];
        states = new int[capacity];
        bits = new long[capacity * words];
        mask = capacity - 1;
    }

    private static int spread(long h) {
        return (int) (h ^ (h >>> 29) ^ (h >>> 47));
    }
}
