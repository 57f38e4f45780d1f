package io.ratissm.jepsen.runner;

import io.ratissm.jepsen.nemesis.NemesisSchedule;
import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The live progress line: elapsed time, ops completed, ok/fail/info, and the fault active now. On a terminal it
 * rewrites one line every second; otherwise (CI logs) it prints a line every ten seconds.
 */
final class Progress {
    private final PrintStream out;
    private final HistoryRecorder history;
    private final NemesisSchedule schedule;
    private final boolean enabled;
    private final boolean terminal = System.console() != null;
    private final long start = System.nanoTime();
    private ScheduledExecutorService timer;

    Progress(PrintStream out, HistoryRecorder history, NemesisSchedule schedule, boolean enabled) {
        this.out = out;
        this.history = history;
        this.schedule = schedule;
        this.enabled = enabled;
    }

    void start() {
        if (!enabled) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jepsen progress");
            t.setDaemon(true);
            return t;
        });
        long period = terminal ? 1 : 10;
        timer.scheduleAtFixedRate(this::print, period, period, TimeUnit.SECONDS);
    }

    private void print() {
        HistoryRecorder.Counts c = history.counts();
        String line = String.format(
                "[%4ds] ops %d  ok %d  fail %d  info %d  fault: %s",
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start),
                c.total(),
                c.ok(),
                c.fail(),
                c.info(),
                schedule.current());
        if (terminal) {
            out.print("\r" + line + "   ");
        } else {
            out.println(line);
        }
        out.flush();
    }

    void stop() {
        if (timer != null) {
            timer.shutdownNow();
            print();
            if (terminal) {
                out.println();
            }
        }
    }
}
