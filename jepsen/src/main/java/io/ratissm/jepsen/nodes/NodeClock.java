package io.ratissm.jepsen.nodes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * The clocks of one replica process started under libfaketime ({@link Faketime}), driven through its control
 * file. libfaketime (with {@code FAKETIME_XRESET}) reads two kinds of spec, which move both of the replica's clocks:
 * <ul>
 *   <li>{@code +S} (seconds, fractions allowed) puts the clocks at real time plus S, running at the last rate
 *       set: a step ({@link #setOffset}, only at rate 1).</li>
 *   <li>{@code +S xR}: a running replica's clocks go on from the time they show when it reads the spec, R times
 *       as fast as real time, and S is ignored ({@link #setRate}); a replica that starts with this spec begins at
 *       real time plus S. So the spec always carries the offset the harness believes the clocks have.</li>
 * </ul>
 * A replica reads its file at most once per real second, so two writes less than that apart may be seen as one:
 * callers wait until the replica shows the first change ({@link NodeProcess#clockSample}) before the next.
 * Thread-safe.
 */
public final class NodeClock {
    private final Path controlFile;
    private String spec = "";
    private double rate = 1;
    private long offsetMillis;

    NodeClock(Path controlFile) {
        this.controlFile = controlFile;
        write(offsetSpec(0));
    }

    public Path controlFile() {
        return controlFile;
    }

    /** Steps both clocks to real time plus {@code offsetMillis}; the rate must be 1. */
    public synchronized void setOffset(long offsetMillis) {
        if (rate != 1) {
            throw new IllegalStateException("a clock is stepped at rate 1; its rate is " + rate);
        }
        this.offsetMillis = offsetMillis;
        write(offsetSpec(offsetMillis));
    }

    /** Makes both clocks run at {@code rate} times real time from now on, without a step. */
    public synchronized void setRate(double rate) {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("a clock rate is positive, not " + rate);
        }
        this.rate = rate;
        write(rateSpec());
    }

    /**
     * Records the offset measured from the replica's own report after its clocks ran at another rate (they gained
     * or lost time the harness cannot compute exactly), so that later steps and restarts start from it. The
     * running replica's clocks do not move.
     */
    public synchronized void offsetMeasured(long offsetMillis) {
        this.offsetMillis = offsetMillis;
        write(rateSpec());
    }

    public synchronized double rate() {
        return rate;
    }

    /** The wall-clock offset from real time that the harness last set or measured. */
    public synchronized long offsetMillis() {
        return offsetMillis;
    }

    /** The spec in the control file now. */
    public synchronized String spec() {
        return spec;
    }

    private static String offsetSpec(long offsetMillis) {
        return String.format(Locale.ROOT, "%+.3f", offsetMillis / 1000.0);
    }

    private String rateSpec() {
        return offsetSpec(offsetMillis) + String.format(Locale.ROOT, " x%.4f", rate);
    }

    private void write(String newSpec) {
        Path tmp = controlFile.resolveSibling(controlFile.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, newSpec + "\n");
            Files.move(tmp, controlFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the clock control file " + controlFile, e);
        }
        spec = newSpec;
    }

    @Override
    public synchronized String toString() {
        return "clock[" + spec + "]";
    }
}
