package io.ratissm.jepsen.runner;

import io.ratissm.Replication;
import io.ratissm.jepsen.nemesis.ClockFaults;
import io.ratissm.jepsen.workload.ReadMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything that defines one harness run.
 *
 * @param workload      register, counter, set, bank, state-machine, or the class name of a {@code Workload}
 * @param nemeses       nemesis names (see {@code NemesisCatalog}), taken in turn; {@code none} for no faults; a
 *                      name may join several with {@code +} (one window, all at once)
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
 * @param executeDelay  extra time each command takes in the state machine (the slow variant); zero for none
 * @param leaseReads    replicas answer linearizable reads from the leader lease
 * @param clockFaults   how far the clock nemeses go
 * @param stateMachine  the replicas' state machine, a bundled short name or a class name; null for the workload's
 * @param classpath     jars and directories of the state machine's classes, added to the replicas' classpath
 * @param generator     the {@code state-machine} workload's {@code OperationGenerator} class; null for the others
 */
public record TestOptions(
        String workload,
        List<String> nemeses,
        Replication replication,
        int nodes,
        int concurrency,
        Duration timeLimit,
        Duration faultDuration,
        Duration healDuration,
        Duration recovery,
        Duration opTimeout,
        ReadMode readMode,
        long seed,
        Path storeRoot,
        long snapshotEvery,
        boolean progress,
        Duration executeDelay,
        boolean leaseReads,
        ClockFaults clockFaults,
        String stateMachine,
        List<Path> classpath,
        String generator) {

    public TestOptions {
        nemeses = List.copyOf(nemeses);
        classpath = List.copyOf(classpath);
        if (executeDelay.isNegative()) {
            throw new IllegalArgumentException("the execute delay must not be negative, was " + executeDelay);
        }
        if (nodes < 1) {
            throw new IllegalArgumentException("a test needs at least one replica, not " + nodes);
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("a test needs at least one client process, not " + concurrency);
        }
    }

    /**
     * The test's name in the store: {@code register-kill,partition-active}, with {@code -stale}, {@code -lease} and
     * {@code -delay30ms} for stale reads, lease reads and a slow state machine, and the state machine's simple name
     * after the workload's when one is named ({@code register-JobQueue-kill-active}); a workload or state machine
     * named by class goes by its simple name ({@code QueueWorkload-kill-active}).
     */
    public String testName() {
        String faults = String.join(",", nemeses);
        String machine = stateMachine == null ? "" : "-" + simpleName(stateMachine);
        return simpleName(workload) + machine + "-" + faults + "-"
                + replication.name().toLowerCase()
                + (readMode == ReadMode.STALE ? "-stale" : "") + (leaseReads ? "-lease" : "")
                + (executeDelay.isZero() ? "" : "-delay" + executeDelay.toMillis() + "ms");
    }

    private static String simpleName(String name) {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    /** The same options with a slow state machine, lease reads and clock settings. */
    public TestOptions with(Duration executeDelay, boolean leaseReads, ClockFaults clockFaults) {
        return new TestOptions(
                workload,
                nemeses,
                replication,
                nodes,
                concurrency,
                timeLimit,
                faultDuration,
                healDuration,
                recovery,
                opTimeout,
                readMode,
                seed,
                storeRoot,
                snapshotEvery,
                progress,
                executeDelay,
                leaseReads,
                clockFaults,
                stateMachine,
                classpath,
                generator);
    }
}
