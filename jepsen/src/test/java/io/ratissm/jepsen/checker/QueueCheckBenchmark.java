package io.ratissm.jepsen.checker;

import io.ratissm.jepsen.history.HistoryWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Measures how long the checker takes to decide simulated FIFO queue histories with the queue's state machine as
 * its own model (issue 15's target: 4 clients, 2,000 ops, a queue reaching 50, crashed commands, under 10 s). Not
 * a test: run it by hand, see jepsen/README.md. Each line is one history: its shape, the verdict and the time of
 * the check (pairing, splitting and searching; generation excluded), after one unmeasured check of a smaller
 * history to load classes.
 *
 * <p>Arguments: {@code [seeds] [jitter-micros] [silent] [mutation] [ops] [length] [out-dir] [crash-rate]},
 * defaults {@code 5 200 false NONE 2000 50 - 0.02}. With an out-dir, each history is also written there as
 * {@code queue-SEED.edn}, for {@code ratis-sm check}.
 */
public final class QueueCheckBenchmark {
    private QueueCheckBenchmark() {}

    public static void main(String[] args) throws IOException {
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        long jitterMicros = args.length > 1 ? Long.parseLong(args[1]) : 200;
        boolean silent = args.length > 2 && Boolean.parseBoolean(args[2]);
        QueueHistories.Mutation mutation =
                args.length > 3 ? QueueHistories.Mutation.valueOf(args[3]) : QueueHistories.Mutation.NONE;
        int ops = args.length > 4 ? Integer.parseInt(args[4]) : 2000;
        int length = args.length > 5 ? Integer.parseInt(args[5]) : 50;
        Path out = args.length > 6 && !args[6].equals("-") ? Path.of(args[6]) : null;
        double crashRate = args.length > 7 ? Double.parseDouble(args[7]) : 0.02;

        WglChecker checker = new WglChecker(CheckOptions.defaults().withTimeLimit(Duration.ofSeconds(60)));
        StateMachineModel model = StateMachineModel.of(() -> new FifoQueueStateMachine(!silent));
        checker.check(
                QueueHistories.generate(QueueHistories.Spec.target(-1).withOps(300, 10))
                        .history(),
                model);
        for (long seed = 1; seed <= seeds; seed++) {
            QueueHistories.Spec spec = QueueHistories.Spec.target(seed)
                    .withOps(ops, length)
                    .withJitter(jitterMicros * 1000)
                    .withCrashRate(crashRate)
                    .with(mutation);
            if (silent) {
                spec = spec.withSilentEnqueues();
            }
            QueueHistories.Generated g = QueueHistories.generate(spec);
            if (out != null) {
                Files.createDirectories(out);
                Files.writeString(out.resolve("queue-" + seed + ".edn"), HistoryWriter.toEdn(g.history()));
            }
            long start = System.nanoTime();
            CheckResult r = checker.check(g.history(), model);
            double ms = (System.nanoTime() - start) / 1e6;
            KeyResult k = r.keys().get(0);
            System.out.println(String.format(
                    Locale.ROOT,
                    "seed=%d ops=%d max-length=%d crashed=%d (applied %d) jitter=%dus enqueue-reply=%s mutation=%s"
                            + " valid=%s ms=%.0f configurations=%d%s",
                    seed,
                    ops,
                    g.maxLength(),
                    g.crashed(),
                    g.crashedApplied(),
                    jitterMicros,
                    silent ? "none" : "ticket",
                    mutation,
                    r.verdict().text(),
                    ms,
                    k.configurationsExplored(),
                    r.cause() == null ? "" : " cause=" + r.cause()));
        }
    }
}
