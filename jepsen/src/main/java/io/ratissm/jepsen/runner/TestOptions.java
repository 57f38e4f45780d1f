package io.ratissm.jepsen.runner;

import io.ratissm.Replication;
import io.ratissm.jepsen.workload.ReadMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything that defines one harness run.
 *
 * @param workload      register, counter, set or bank
 * @param nemeses       nemesis names (see {@code NemesisCatalog}), taken in turn; {@code none} for no faults
 * @param replication   ACTIVE or PASSIVE
 * @param nodes         3 or 5 replicas
 * @param concurrency   client processes running at once
 * @param timeLimit     how long clients run and faults are injected
 * @param faultDuration length of each fault window
 * @param healDuration  quiet time before the first fault and between faults
 * @param recovery      time after the final heal before the final reads
 * @param opTimeout     per-op client timeout; past it a write is :info and a read :fail
 * @param readMode      linearizable (default) or stale reads
 * @param seed          seeds every random choice of clients and nemesis
 * @param storeRoot     the {@code store/} directory
 * @param snapshotEvery replicas' automatic snapshot interval in log entries
 * @param progress      print a live progress line to standard error
 */
public record TestOptions(String workload, List<String> nemeses, Replication replication, int nodes, int concurrency,
                          Duration timeLimit, Duration faultDuration, Duration healDuration, Duration recovery,
                          Duration opTimeout, ReadMode readMode, long seed, Path storeRoot, long snapshotEvery,
                          boolean progress) {

    public TestOptions {
        nemeses = List.copyOf(nemeses);
        if (nodes < 1) {
            throw new IllegalArgumentException("a test needs at least one replica, not " + nodes);
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("a test needs at least one client process, not " + concurrency);
        }
    }

    /** The test's name in the store: {@code register-kill-active}. */
    public String testName() {
        String faults = String.join("+", nemeses);
        return workload + "-" + faults + "-" + replication.name().toLowerCase()
                + (readMode == ReadMode.STALE ? "-stale" : "");
    }
}
