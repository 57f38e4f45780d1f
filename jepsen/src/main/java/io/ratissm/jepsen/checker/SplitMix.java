package io.ratissm.jepsen.checker;

/**
 * Random 64-bit values for hashing: the {@code i}-th value of a SplitMix64 sequence, the same values
 * {@code new SplittableRandom(seed)} gives from {@code nextLong()}, computed directly.
 *
 * <p>Why not {@code SplittableRandom} itself: a check runs once per history in a fresh JVM, and loading and
 * initialising it and its support classes on the first check cost more than the few values the search needs.
 */
final class SplitMix {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private SplitMix() {}

    /** The {@code i}-th value, counting from 1, of the sequence seeded with {@code seed}. */
    static long value(long seed, long i) {
        long z = seed + i * GOLDEN_GAMMA;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
