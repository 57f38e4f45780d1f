package io.ratissm.jepsen.nemesis;

/**
 * One kind of fault. {@link #start} injects it and {@link #stop} undoes it; each returns the value recorded in
 * the history's {@code :nemesis :info} completion (what was done, to whom). {@link #stop} also undoes a fault
 * that was only partly injected, and is harmless when nothing is active, so the final heal can call it on every
 * nemesis of the run. Calls are made from one thread.
 */
public interface Nemesis {

    /** The name on the command line and in the history ({@code :start-<name>}, {@code :stop-<name>}). */
    String name();

    Object start();

    Object stop();
}
