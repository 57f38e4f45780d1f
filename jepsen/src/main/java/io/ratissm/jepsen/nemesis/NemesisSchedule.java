package io.ratissm.jepsen.nemesis;

import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.history.OpType;
import io.ratissm.jepsen.runner.HistoryRecorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs the faults on a timetable: a quiet period of {@code heal} first, then fault windows of {@code fault}
 * separated by {@code heal}, until {@link #finish} is called; the nemeses take turns, one per window. Each start
 * and stop appears in the history as a pair of {@code :nemesis :info} ops ({@code :start-kill}, then its result).
 * {@link #finish} ends the current window and heals every nemesis (the final heal), also recorded.
 */
public final class NemesisSchedule {
    private final List<Nemesis> nemeses;
    private final Duration fault;
    private final Duration heal;
    private final HistoryRecorder history;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicReference<String> current = new AtomicReference<>("none");
    private final List<long[]> windows = new ArrayList<>();
    private Thread thread;

    public NemesisSchedule(List<Nemesis> nemeses, Duration fault, Duration heal, HistoryRecorder history) {
        this.nemeses = List.copyOf(nemeses);
        this.fault = fault;
        this.heal = heal;
        this.history = history;
    }

    /** Starts the timetable on its own thread. */
    public void start() {
        thread = new Thread(this::run, "jepsen nemesis");
        thread.setDaemon(true);
        thread.start();
    }

    /** The fault active now, for the progress line. */
    public String current() {
        return current.get();
    }

    /** Fault windows so far as {@code [startNanos, endNanos]} in history time, for shading plots. */
    public synchronized List<long[]> windows() {
        return List.copyOf(windows);
    }

    private void run() {
        if (nemeses.isEmpty()) {
            return;
        }
        int turn = 0;
        while (!waitFinished(heal)) {
            Nemesis n = nemeses.get(turn++ % nemeses.size());
            long begin = history.now();
            apply(n.name(), "start", n::start);
            current.set(n.name());
            boolean done = waitFinished(fault);
            apply(n.name(), "stop", n::stop);
            current.set("none");
            synchronized (this) {
                windows.add(new long[] {begin, history.now()});
            }
            if (done) {
                return;
            }
        }
    }

    private void apply(String name, String action, Supplier<Object> fault) {
        String f = action + "-" + name;
        history.record(OpType.INFO, Keyword.of("nemesis"), f, null, null);
        Object value;
        try {
            value = fault.get();
        } catch (RuntimeException e) {
            // A fault that could not be applied is recorded, not fatal: the final heal still runs.
            value = List.of(Keyword.of("error"), String.valueOf(e.getMessage()));
        }
        history.record(OpType.INFO, Keyword.of("nemesis"), f, value, null);
    }

    private boolean waitFinished(Duration d) {
        try {
            return finished.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** Ends the current fault window, waits for the timetable to stop, then heals every nemesis. */
    public void finish() throws InterruptedException {
        finished.countDown();
        if (thread != null) {
            thread.join();
        }
        for (Nemesis n : nemeses) {
            apply(n.name(), "heal", n::stop);
        }
        current.set("none");
    }
}
