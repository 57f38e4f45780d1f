package io.ratissm.jepsen.runner;

import io.ratissm.Replication;
import io.ratissm.jepsen.nemesis.ClockFaults;
import io.ratissm.jepsen.nemesis.NemesisCatalog;
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
 * @param nodes         server processes ({@code --nodes}, {@code --servers}): the replicas of the servers' group,
 *                      usually 3 or 5
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
 * @param shards        0 for today's unsharded run (the servers' one group holds every key); S &gt; 0 for a sharded
 *                      run: the servers run {@code sharded = true}, their own group is the placement group, and the
 *                      harness creates shard set {@value #SHARD_SET} of S shards on them before the load; clients then
 *                      route each op by its key ({@code Workload.shardKey}) with a {@code ShardedClient}
 * @param shardReplicas replicas of each shard's group, placed round robin on the servers; 0 for the default
 *                      ({@link #replicasPerShard()})
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
        String generator,
        int shards,
        int shardReplicas) {

    /** The name of the shard set a sharded run creates: its shards' groups are {@code jepsen-0}, {@code jepsen-1}... */
    public static final String SHARD_SET = "jepsen";

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
        if (shards < 0) {
            throw new IllegalArgumentException("--shards is 0 (no sharding) or a number of shards, not " + shards);
        }
        if (shardReplicas < 0 || shardReplicas > nodes) {
            throw new IllegalArgumentException("--shard-replicas is between 1 and the number of servers (" + nodes
                    + "), or 0 for the default, not " + shardReplicas);
        }
        if (shards == 0 && shardReplicas != 0) {
            throw new IllegalArgumentException("--shard-replicas needs --shards");
        }
        if (shards > 0 && readMode == ReadMode.STALE) {
            throw new IllegalArgumentException("--read stale is not available with --shards: a sharded client reads"
                    + " linearizably from the shard that owns the key, and has no stale reads");
        }
        for (String nemesis : nemeses) {
            String problem = NemesisCatalog.shardingProblem(
                    nemesis, shards, nodes, replicasPerShard(shards, shardReplicas, nodes, nemeses));
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
        }
    }

    /** The options of an unsharded run (the components before sharding existed). */
    public TestOptions(
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
        this(
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
                generator,
                0,
                0);
    }

    /** Whether this is a sharded run ({@code shards > 0}). */
    public boolean sharded() {
        return shards > 0;
    }

    /**
     * The replicas of each shard's group: {@code shardReplicas} if given, else {@code min(3, servers)}, one fewer
     * when that is every server and a {@code move-shard} nemesis needs a server that does not host the shard to move
     * a replica to. 0 in an unsharded run.
     */
    public int replicasPerShard() {
        return replicasPerShard(shards, shardReplicas, nodes, nemeses);
    }

    private static int replicasPerShard(int shards, int shardReplicas, int nodes, List<String> nemeses) {
        if (shards == 0) {
            return 0;
        }
        if (shardReplicas > 0) {
            return shardReplicas;
        }
        int replicas = Math.min(3, nodes);
        boolean moves = nemeses.stream().anyMatch(NemesisCatalog::movesShards);
        return moves && replicas == nodes && nodes > 1 ? nodes - 1 : replicas;
    }

    /**
     * The test's name in the store: {@code register-kill,partition-active}, with {@code -stale}, {@code -lease},
     * {@code -delay30ms} and {@code -shards4} for stale reads, lease reads, a slow state machine and a sharded run,
     * and the state machine's simple name after the workload's when one is named ({@code
     * register-JobQueue-kill-active}); a workload or state machine named by class goes by its simple name ({@code
     * QueueWorkload-kill-active}).
     */
    public String testName() {
        String faults = String.join(",", nemeses);
        String machine = stateMachine == null ? "" : "-" + simpleName(stateMachine);
        return simpleName(workload) + machine + "-" + faults + "-"
                + replication.name().toLowerCase()
                + (readMode == ReadMode.STALE ? "-stale" : "") + (leaseReads ? "-lease" : "")
                + (executeDelay.isZero() ? "" : "-delay" + executeDelay.toMillis() + "ms")
                + (shards == 0 ? "" : "-shards" + shards);
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
                generator,
                shards,
                shardReplicas);
    }

    /** The same options with {@code shards} shards of {@code shardReplicas} replicas each (0: the default). */
    public TestOptions withShards(int shards, int shardReplicas) {
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
                generator,
                shards,
                shardReplicas);
    }
}
